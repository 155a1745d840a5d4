// The generic EventSource over TLS (insecure unset, as Argo's default) against the test kit's gRPC Eventing server:
// verified with the gRPC roots (here a throwaway CA, see test/kit/grpc-tls-roots.ts), an untrusted server refused.
import { grpcRootCerts } from "../../kit/grpc-tls-roots.js";
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import type { RunningEventSource } from "@impulse/eventsource";
import { tapBus } from "../../kit/bus-tap.js";
import { startEventingServer, type EventingServer } from "../../kit/grpc-eventing.js";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { startEventSource, type Started } from "../../kit/runtimes.js";
import { makeTestCerts } from "../../kit/tls-certs.js";
import { waitFor } from "../../kit/wait.js";

const TOKEN = "tls-grpc-token";
let nats: NatsServer;
const running: { stop(): Promise<void> }[] = [];
const servers: EventingServer[] = [];
const pem = (c: { files: { serverCert: string; serverKey: string } }) => ({ cert: readFileSync(c.files.serverCert, "utf8"), key: readFileSync(c.files.serverKey, "utf8") });

before(async () => {
  nats = await startNats();
});
after(async () => {
  for (const r of running.reverse()) await r.stop();
  for (const s of servers) await s.stop();
  await nats.stop();
});

async function server(o: Parameters<typeof startEventingServer>[0]): Promise<EventingServer> {
  const s = await startEventingServer(o);
  servers.push(s);
  return s;
}
async function es(name: string, events: Record<string, unknown>): Promise<Started & { running: RunningEventSource }> {
  const s = await startEventSource(nats.url, "generic-tls", eventSource(name, { generic: events }), { secrets: async () => TOKEN });
  running.push(s);
  return s;
}
const failing = (s: { running: RunningEventSource }) => Object.values(s.running.health().components).find((c) => !c.healthy && c.error && !/connecting/.test(c.error));

describe("generic EventSource over TLS", () => {
  it("streams from a TLS server whose certificate the gRPC roots trust, with the bearer token; data as over plain text", async () => {
    const srv = await server({ token: TOKEN, tls: pem(grpcRootCerts) });
    const t = await tapBus(nats.url, "generic-tls", "secure", "feed");
    running.push(t);
    const s = await es("secure", { feed: { url: srv.url, config: "topic: orders", jsonBody: true, authSecret: { name: "grpc", key: "token" }, metadata: { via: "tls" } } });
    await waitFor("the stream open", () => srv.openStreams() === 1, 30_000);
    assert.equal(srv.calls.at(-1)?.authorization, `Bearer ${TOKEN}`);
    srv.send(JSON.stringify({ order: 1 }));
    const e = await waitFor("the event", () => t.events[0]);
    assert.deepEqual(e.data, { body: { order: 1 }, metadata: { via: "tls" } });
    await waitFor("healthy", () => s.running.health().healthy);
  });

  it("refuses a server whose certificate no root signs, and shows it on /health; nothing is sent to it", async () => {
    const srv = await server({ tls: pem(makeTestCerts()) });
    const s = await es("untrusted", { feed: { url: srv.url, config: "x" } });
    const bad = await waitFor("unhealthy", () => failing(s), 30_000);
    assert.match(bad.error!, /UNAVAILABLE/);
    assert.equal(srv.calls.length, 0);
  });

  it("insecure: true does not speak TLS: a TLS server is not reached", async () => {
    const srv = await server({ tls: pem(grpcRootCerts) });
    const s = await es("plain", { feed: { url: srv.url, config: "x", insecure: true } });
    await waitFor("unhealthy", () => failing(s), 30_000);
    assert.equal(srv.calls.length, 0);
  });
});
