// The generic EventSource against a real gRPC server (test kit) and nats-server: request, data shape, auth, reconnects.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import { tapBus, type Tap } from "../../kit/bus-tap.js";
import { startEventingServer, type EventingServer } from "../../kit/grpc-eventing.js";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { metricValue, startEventSource, type Started } from "../../kit/runtimes.js";
import type { RunningEventSource } from "@impulse/eventsource";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
const running: { stop(): Promise<void> }[] = [];
const servers: EventingServer[] = [];

before(async () => {
  nats = await startNats();
});
after(async () => {
  for (const r of running.reverse()) await r.stop();
  for (const s of servers) await s.stop();
  await nats.stop();
});

const TOKEN = "s3cr3t-grpc-token";
const secrets = async (ref: { name: string; key: string }) => {
  if (ref.name === "grpc" && ref.key === "token") return TOKEN;
  throw new Error(`no secret ${ref.name}/${ref.key}`);
};

async function server(opts: { token?: string } = {}): Promise<EventingServer> {
  const s = await startEventingServer(opts);
  servers.push(s);
  return s;
}

async function es(ns: string, name: string, events: Record<string, unknown>): Promise<Started & { running: RunningEventSource }> {
  const s = await startEventSource(nats.url, ns, eventSource(name, { generic: events }), { secrets });
  running.push(s);
  return s;
}

async function tap(ns: string, name: string, event: string): Promise<Tap> {
  const t = await tapBus(nats.url, ns, name, event);
  running.push(t);
  return t;
}

const body = (e: { data: unknown }) => (e.data as { body: unknown }).body;

describe("generic EventSource", () => {
  it("asks with the event's name, config and bearer token, and stores each streamed payload with Argo's data shape", async () => {
    const srv = await server({ token: TOKEN });
    const t = await tap("gen", "feed", "orders");
    const raw = await tap("gen", "feed", "raw");
    const s = await es("gen", "feed", {
      orders: { url: srv.url, insecure: true, jsonBody: true, config: "key1: value1\nkey2: value2", metadata: { team: "a" }, authSecret: { name: "grpc", key: "token" } },
      raw: { url: srv.url, insecure: true, config: "raw", authSecret: { name: "grpc", key: "token" } },
    });
    await waitFor("both streams open and healthy", () => srv.openStreams() === 2 && s.running.health().healthy);
    assert.deepEqual(
      srv.calls.map((c) => [c.name, c.config, c.authorization]).sort(),
      [
        ["orders", "key1: value1\nkey2: value2", `Bearer ${TOKEN}`],
        ["raw", "raw", `Bearer ${TOKEN}`],
      ],
    );
    for (let i = 0; i < 20; i++) srv.send(JSON.stringify({ seq: i }));
    await waitFor("20 events on each", () => t.events.length === 20 && raw.events.length === 20);
    assert.deepEqual(t.events.map(body), Array.from({ length: 20 }, (_, i) => ({ seq: i })), "in stream order");
    const e = t.events[0]!;
    assert.deepEqual([e.type, e.source, e.subject], ["generic", "feed", "orders"]);
    assert.deepEqual(e.data, { body: { seq: 0 }, metadata: { team: "a" } });
    assert.equal(new Set(t.events.map((x) => x.id)).size, 20, "each event its own id");
    assert.deepEqual(raw.events[0]!.data, { body: Buffer.from('{"seq":0}').toString("base64") }, "without jsonBody: base64 bytes, as Argo");
  });

  it("skips and counts a payload that is not JSON under jsonBody, and keeps streaming", async () => {
    const srv = await server();
    const t = await tap("poison", "p", "in");
    const s = await es("poison", "p", { in: { url: srv.url, insecure: true, jsonBody: true, config: "x" } });
    await waitFor("stream open", () => srv.openStreams() === 1);
    srv.send('{"n":1}');
    srv.send("not json {");
    srv.send('{"n":3}');
    await waitFor("the two JSON events", () => t.events.length === 2);
    assert.deepEqual(t.events.map(body), [{ n: 1 }, { n: 3 }]);
    assert.equal(await metricValue(s.registry, "impulse_eventsource_events_failed_total", { reason: "invalid" }), 1);
    assert.equal(s.running.health().healthy, true);
  });

  it("reports a server that went away on /health, reconnects with backoff when it is back, and streams again", async () => {
    const srv = await server();
    const t = await tap("away", "a", "in");
    const s = await es("away", "a", { in: { url: srv.url, insecure: true, jsonBody: true, config: "x" } });
    await waitFor("stream open", () => srv.openStreams() === 1 && s.running.health().healthy);
    srv.send('{"n":1}');
    await waitFor("first event", () => t.events.length === 1);

    await srv.stop();
    // First the cut stream (CANCELLED), then the refused reconnects (UNAVAILABLE).
    await waitFor("unhealthy, naming the refused connection, while the server is gone", () => {
      const c = s.running.health().components["generic/in"];
      return c && !c.healthy && /UNAVAILABLE/.test(String(c.error));
    });
    assert.ok((await metricValue(s.registry, "impulse_eventsource_upstream_errors_total")) >= 1);
    assert.equal(await metricValue(s.registry, "impulse_eventsource_upstream_connected"), 0);

    await srv.restart();
    await waitFor("reconnected", () => srv.openStreams() === 1 && s.running.health().healthy, 60_000);
    srv.send('{"n":2}');
    await waitFor("event after the reconnect", () => t.events.length === 2);
    assert.deepEqual(t.events.map(body), [{ n: 1 }, { n: 2 }]);

    // A server that ends the stream (status OK) is asked again, as Argo does.
    const callsBefore = srv.calls.length;
    srv.endStreams();
    await waitFor("a new call after the stream ended", () => srv.calls.length > callsBefore && srv.openStreams() === 1, 60_000);
    srv.send('{"n":3}');
    await waitFor("event on the new stream", () => t.events.length === 3);
  });

  it("shows a refused token on /health without the token, and keeps retrying", async () => {
    const srv = await server({ token: "another-token" });
    const s = await es("auth", "x", { in: { url: srv.url, insecure: true, config: "x", authSecret: { name: "grpc", key: "token" } } });
    const c = await waitFor("refused", () => {
      const h = s.running.health().components["generic/in"];
      return h && !h.healthy && /UNAUTHENTICATED/.test(String(h.error)) ? h : undefined;
    });
    assert.equal(String(c.error).includes(TOKEN), false);
    await waitFor("a second attempt", () => srv.calls.length >= 2, 30_000);
    assert.equal(srv.openStreams(), 0);
  });

  it("uses TLS unless insecure is set: a plain-text server is not streamed from", async () => {
    const srv = await server();
    const s = await es("tls", "t", { in: { url: srv.url, config: "x" } });
    await waitFor("TLS handshake failure on /health", () => {
      const h = s.running.health().components["generic/in"];
      return h && !h.healthy && /UNAVAILABLE/.test(String(h.error));
    });
    assert.equal(srv.openStreams(), 0);
  });
});
