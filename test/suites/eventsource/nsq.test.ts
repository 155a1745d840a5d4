// The nsq EventSource against real nsqd + nsqlookupd (tools/nsq/install.sh): the source contract (FIN only after the
// bus stored, redelivery after a crash stored once), Argo's data shape, and the example end to end.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import { tapBus } from "../../kit/bus-tap.js";
import type { CliProcess } from "../../kit/cli.js";
import { startNats } from "../../kit/nats.js";
import { startNsq, type NsqServers } from "../../kit/nsq.js";
import { eventSource } from "../../kit/resources.js";
import { runExample } from "../../kit/run-example.js";
import { startEventSource } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { sourceContract } from "../../kit/source-contract.js";
import { makeTestCerts } from "../../kit/tls-certs.js";
import { waitFor } from "../../kit/wait.js";

const CHANNEL = "impulse";

sourceContract({
  type: "nsq",
  guarantee: "at-least-once",
  async start() {
    const n = await startNsq();
    return {
      eventConfig: (topic) => ({ hostAddress: n.lookupdHttp, topic, channel: CHANNEL, jsonBody: true }),
      prepare: (topic) => n.createChannel(topic, CHANNEL),
      publish: (topic, payloads) => n.publish(topic, payloads),
      expectData: (d) => {
        assert.equal(d["nsqdAddress"], n.nsqdTcp);
        assert.match(String(d["timestamp"]), /^\d{19}$/, "nanoseconds since the epoch");
        return d["body"];
      },
      // FINished messages of the channel, as nsqd counts them.
      acknowledged: (topic) => n.finished(topic, CHANNEL),
      down: () => n.stopNsqd(),
      up: () => n.startNsqd(),
      stop: () => n.stop(),
    };
  },
});

describe("nsq EventSource", () => {
  let n: NsqServers;
  let bus: NatsServer;
  let sink: Sink;
  const running: { stop(): Promise<void> }[] = [];
  const procs: CliProcess[] = [];
  before(async () => {
    [n, bus, sink] = await Promise.all([startNsq(), startNats(), startSink()]);
  });
  after(async () => {
    for (const p of procs) await p.stop();
    for (const r of running.reverse()) await r.stop();
    await sink?.close();
    await n?.stop();
    await bus?.stop();
  });

  it("gives Argo's data (body, timestamp, nsqdAddress, metadata) with an id from the message id; base64 bodies without jsonBody", async () => {
    await n.createChannel("shape", CHANNEL);
    await n.createChannel("raw", CHANNEL);
    const t = await tapBus(bus.url, "shape", "q", "in");
    const raw = await tapBus(bus.url, "shape", "q", "raw");
    running.push(t, raw);
    const resource = eventSource("q", {
      nsq: {
        in: { hostAddress: n.lookupdHttp, topic: "shape", channel: CHANNEL, jsonBody: true, metadata: { team: "x" } },
        raw: { hostAddress: n.lookupdHttp, topic: "raw", channel: CHANNEL },
      },
    });
    const s = await startEventSource(bus.url, "shape", resource);
    running.push(s);
    await waitFor("reading", () => s.running.health().healthy, 30_000);
    const before = BigInt(Date.now()) * 1_000_000n;
    await n.publish("shape", ['{"order":7}']);
    await n.publish("raw", ["plain text"]);
    await waitFor("both events", () => t.events.length === 1 && raw.events.length === 1, 30_000);
    const e = t.events[0]!;
    const d = e.data as Record<string, unknown>;
    assert.deepEqual(d["body"], { order: 7 });
    assert.deepEqual(d["metadata"], { team: "x" });
    assert.equal(d["nsqdAddress"], n.nsqdTcp);
    assert.ok(BigInt(String(d["timestamp"])) >= before - 5_000_000_000n, "nsqd's publish time in nanoseconds");
    assert.match(e.id, /^q:in:shape\/impulse:[0-9a-f]{16}$/);
    assert.equal((raw.events[0]!.data as { body: string }).body, Buffer.from("plain text").toString("base64"));
    await waitFor("FINished", async () => (await n.finished("shape", CHANNEL)) === 1);
  });

  it("reads over mutual TLS with the CA and client certificate from Secrets", async () => {
    const certs = makeTestCerts();
    const secure = await startNsq({ tls: certs });
    running.push(secure);
    await secure.createChannel("tls", CHANNEL);
    const t = await tapBus(bus.url, "tls", "q", "in");
    running.push(t);
    const ref = (key: string) => ({ name: "nsq-tls", key });
    const pem: Record<string, string> = { ca: certs.pem.ca, cert: certs.pem.clientCert, key: certs.pem.clientKey };
    const tls = { caCertSecret: ref("ca"), clientCertSecret: ref("cert"), clientKeySecret: ref("key") };
    const s = await startEventSource(bus.url, "tls", eventSource("q", { nsq: { in: { hostAddress: secure.lookupdHttp, topic: "tls", channel: CHANNEL, jsonBody: true, tls } } }), {
      secrets: async (r) => pem[r.key]!,
    });
    running.push(s);
    await waitFor("connected over TLS", () => s.running.health().healthy, 30_000);
    await secure.publish("tls", ['{"secure":true}']);
    await waitFor("the event", () => t.events.length === 1, 30_000);
    assert.deepEqual((t.events[0]!.data as { body: unknown }).body, { secure: true });
    await waitFor("FINished", async () => (await secure.finished("tls", CHANNEL)) === 1);
  });

  it("runs the example (manifests/examples/nsq) end to end", async () => {
    await n.createChannel("orders", CHANNEL);
    await runExample("nsq", { eventsource: [["nsqlookupd.argo-events.svc:4161", n.lookupdHttp]], sensor: [["http://localhost:8090", sink.url]] }, { natsUrl: bus.url, namespace: "nsq-example", procs });
    await n.publish("orders", ['{"id":"o-1","total":12.5}']);
    await waitFor("the order posted", () => sink.received.some((r) => r.path === "/orders"), 30_000);
    assert.deepEqual(sink.received.find((r) => r.path === "/orders")!.json, { id: "o-1", nsqd: n.nsqdTcp });
  });
});
