// The redisStream EventSource against a real redis-server: the source contract (XACK after the bus stored, reclaim after
// a crash), Argo's data shape and stable ids, maxMsgCountPerRead, and a consumer group shared by replicas.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import { tapBus, type Tap } from "../../kit/bus-tap.js";
import { serverCerts } from "../../kit/certs.js";
import type { CliProcess } from "../../kit/cli.js";
import { runExample } from "../../kit/run-example.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { startNats } from "../../kit/nats.js";
import { startRedis, type RedisServer } from "../../kit/redis.js";
import { eventSource } from "../../kit/resources.js";
import { metricValue, startEventSource } from "../../kit/runtimes.js";
import { sourceContract } from "../../kit/source-contract.js";
import { waitFor } from "../../kit/wait.js";

/** Entries the group acknowledged: read into the group (entries-read, Redis 7) minus those still pending. */
async function acknowledged(redis: RedisServer, stream: string, group = "argo-events-cg", db = 0): Promise<number> {
  const c = redis.client(db);
  try {
    const groups = (await c.xinfo("GROUPS", stream)) as unknown[][];
    for (const g of groups) {
      const info: Record<string, unknown> = {};
      for (let i = 0; i + 1 < g.length; i += 2) info[String(g[i])] = g[i + 1];
      if (info["name"] === group) return Number(info["entries-read"] ?? 0) - Number(info["pending"]);
    }
    return 0;
  } catch {
    return 0; // no stream yet
  } finally {
    c.disconnect();
  }
}

sourceContract({
  type: "redisStream",
  guarantee: "at-least-once",
  // Every entry decodes (field/value strings): the only one that can never become an event is one the bus refuses.
  poison: "x".repeat(1_200_000),
  poisonReason: "too_large",
  // A restarted reader reclaims the dead one's pending entries once they are idle for 10 s.
  restartTimeoutMs: 60_000,
  async start() {
    const redis = await startRedis();
    return {
      eventConfig: (stream) => ({ hostAddress: redis.address, streams: [stream] }),
      publish: async (stream, payloads) => {
        const c = redis.client();
        try {
          for (const p of payloads) await c.xadd(stream, "*", "body", p);
        } finally {
          c.disconnect();
        }
      },
      expectData: (d, stream) => {
        assert.equal(d["stream"], stream);
        assert.match(String(d["message_id"]), /^\d+-\d+$/);
        return JSON.parse((d["values"] as { body: string }).body);
      },
      acknowledged: (stream) => acknowledged(redis, stream),
      down: () => redis.pause(),
      up: () => redis.start(),
      stop: () => redis.stop(),
    };
  },
});

describe("redisStream EventSource", () => {
  let redis: RedisServer;
  let bus: NatsServer;
  let sink: Sink;
  const running: { stop(): Promise<void> }[] = [];
  const procs: CliProcess[] = [];
  before(async () => {
    [redis, bus, sink] = await Promise.all([startRedis(), startNats(), startSink()]);
  });
  after(async () => {
    for (const p of procs) await p.stop();
    for (const r of running.reverse()) await r.stop();
    await sink.close();
    await redis.stop();
    await bus.stop();
  });
  async function tap(ns: string, event: string): Promise<Tap> {
    const t = await tapBus(bus.url, ns, "rs", event);
    running.push(t);
    return t;
  }
  async function es(ns: string, events: Record<string, unknown>) {
    const s = await startEventSource(bus.url, ns, eventSource("rs", { redisStream: events }));
    running.push(s);
    await waitFor("reading", () => s.running.health().healthy, 30_000);
    return s;
  }

  it("gives Argo's data (stream, message_id, values, metadata) with a stable id per entry, across several streams of one group", async () => {
    const t = await tap("shape", "in");
    await es("shape", { in: { hostAddress: redis.address, db: 2, streams: ["a", "b"], consumerGroup: "cg", maxMsgCountPerRead: 2, metadata: { team: "x" } } });
    const c = redis.client(2);
    const ids = [await c.xadd("a", "*", "k", "1", "other", "v"), await c.xadd("b", "*", "k", "2")];
    for (let i = 0; i < 7; i++) await c.xadd("a", "*", "n", String(i));
    await waitFor("every entry", () => t.events.length === 9);
    const first = t.events.find((e) => (e.data as { message_id: string }).message_id === ids[0]);
    assert.deepEqual(first?.data, { stream: "a", message_id: ids[0], values: { k: "1", other: "v" }, metadata: { team: "x" } });
    assert.equal(first?.id, `rs:in:${redis.address}/2:a:${ids[0]}`);
    assert.ok(t.events.some((e) => (e.data as { stream: string }).stream === "b"));
    await waitFor("all acknowledged", async () => (await acknowledged(redis, "a", "cg", 2)) === 8 && (await acknowledged(redis, "b", "cg", 2)) === 1);
  });

  it("starts at the stream's end when it creates the group (as Argo), then never skips an entry across restarts", async () => {
    const c = redis.client();
    await c.xadd("late", "*", "before", "1");
    const t = await tap("late", "in");
    const spec = { in: { hostAddress: redis.address, streams: ["late"] } };
    const first = await es("late", spec);
    await c.xadd("late", "*", "n", "1");
    await waitFor("first", () => t.events.length === 1);
    await first.stop();
    await c.xadd("late", "*", "n", "2");
    await es("late", spec);
    await waitFor("the entry added while stopped", () => t.events.length === 2);
    assert.deepEqual(t.events.map((e) => (e.data as { values: unknown }).values), [{ n: "1" }, { n: "2" }]);
  });

  it("reads over TLS, verifying the server against the CA from a Secret", async () => {
    const certs = serverCerts();
    const tlsRedis = await startRedis({ tls: certs });
    running.push(tlsRedis);
    const t = await tap("tls", "in");
    const s = await startEventSource(
      bus.url,
      "tls",
      eventSource("rs", { redisStream: { in: { hostAddress: tlsRedis.address, streams: ["secure"], tls: { caCertSecret: { name: "tls", key: "ca" } } } } }),
      { secrets: async () => certs.ca },
    );
    running.push(s);
    await waitFor("reading", () => s.running.health().healthy, 30_000);
    await tlsRedis.client().xadd("secure", "*", "over", "tls");
    await waitFor("the entry", () => t.events.length === 1);
    assert.deepEqual((t.events[0]!.data as { values: unknown }).values, { over: "tls" });
  });

  it("splits entries between replicas of one group, each entry stored once", async () => {
    const t = await tap("split", "in");
    const spec = { in: { hostAddress: redis.address, streams: ["jobs"], maxMsgCountPerRead: 1 } };
    const a = await es("split", spec);
    const b = await es("split", spec);
    const c = redis.client();
    const N = 40;
    for (let i = 0; i < N; i++) await c.xadd("jobs", "*", "i", String(i));
    await waitFor("every entry", () => t.events.length === N);
    const got = { a: await metricValue(a.registry, "impulse_eventsource_events_received_total"), b: await metricValue(b.registry, "impulse_eventsource_events_received_total") };
    assert.equal(got.a + got.b, N, `each entry read once (${JSON.stringify(got)})`);
  });

  it("runs the example (manifests/examples/redis-stream) end to end", async () => {
    await runExample(
      "redis-stream",
      { eventsource: [["localhost:6380", redis.address]], sensor: [["http://localhost:8090", sink.url]] },
      { natsUrl: bus.url, namespace: "rs-example", procs },
    );
    const id = await redis.client().xadd("payments", "*", "amount", "42.50", "currency", "EUR");
    await waitFor("the payment posted", () => sink.received.some((r) => r.path === "/settle"), 30_000);
    assert.deepEqual(sink.received.find((r) => r.path === "/settle")!.json, { amount: "42.50", entryId: id });
    await waitFor("acknowledged", async () => (await acknowledged(redis, "payments", "billing")) === 1);
  });
});
