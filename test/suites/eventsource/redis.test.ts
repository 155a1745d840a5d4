// The redis (pub/sub) EventSource against a real redis-server: the source contract, Argo's data shape, patterns, db, ACL auth.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import { tapBus, type Tap } from "../../kit/bus-tap.js";
import type { CliProcess } from "../../kit/cli.js";
import { runExample } from "../../kit/run-example.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { startNats } from "../../kit/nats.js";
import { startRedis, type RedisServer } from "../../kit/redis.js";
import { eventSource } from "../../kit/resources.js";
import { startEventSource } from "../../kit/runtimes.js";
import { sourceContract } from "../../kit/source-contract.js";
import { waitFor } from "../../kit/wait.js";

sourceContract({
  type: "redis",
  guarantee: "at-most-once",
  async start() {
    const redis = await startRedis();
    return {
      eventConfig: (channel) => ({ hostAddress: redis.address, channels: [channel], jsonBody: true }),
      publish: async (channel, payloads) => {
        const c = redis.client();
        try {
          for (const p of payloads) await c.publish(channel, p);
        } finally {
          c.disconnect();
        }
      },
      expectData: (d, channel) => {
        assert.equal(d["channel"], channel);
        assert.equal(d["pattern"], "");
        return d["body"];
      },
      down: () => redis.pause(),
      up: () => redis.start(),
      stop: () => redis.stop(),
    };
  },
});

describe("redis EventSource", () => {
  let redis: RedisServer;
  let bus: NatsServer;
  let sink: Sink;
  /** A server without ACL users, as the example expects. */
  let example: RedisServer;
  const running: { stop(): Promise<void> }[] = [];
  const procs: CliProcess[] = [];
  before(async () => {
    [redis, example, bus, sink] = await Promise.all([startRedis({ extraArgs: ["--user", "app", "on", ">s3cret", "~*", "&*", "+@all"] }), startRedis(), startNats(), startSink()]);
  });
  after(async () => {
    for (const p of procs) await p.stop();
    for (const r of running.reverse()) await r.stop();
    await sink.close();
    await example.stop();
    await redis.stop();
    await bus.stop();
  });
  async function tap(ns: string, event: string): Promise<Tap> {
    const t = await tapBus(bus.url, ns, "r", event);
    running.push(t);
    return t;
  }

  it("gives Argo's data (channel, pattern, body text, metadata), subscribes patterns, reads the configured db, with ACL auth", async () => {
    const t = { plain: await tap("shape", "plain"), pat: await tap("shape", "pat") };
    const auth = { username: "app", password: { name: "redis", key: "password" } };
    const s = await startEventSource(
      bus.url,
      "shape",
      eventSource("r", {
        redis: {
          plain: { hostAddress: redis.address, channels: ["news"], db: 3, metadata: { team: "a" }, ...auth },
          pat: { hostAddress: redis.address, channels: ["orders.*"], jsonBody: true, ...auth },
        },
      }),
      { secrets: async (ref) => (ref.name === "redis" && ref.key === "password" ? "s3cret" : Promise.reject(new Error("no such secret"))) },
    );
    running.push(s);
    await waitFor("subscribed", () => s.running.health().healthy, 30_000);
    const pub = redis.client();
    await pub.auth("app", "s3cret");
    await pub.publish("news", "hello");
    await pub.publish("orders.eu", '{"n":1}');
    await pub.publish("other", "ignored");
    await waitFor("both events", () => t.plain.events.length === 1 && t.pat.events.length === 1);
    assert.deepEqual(t.plain.events[0]!.data, { channel: "news", pattern: "", body: "hello", metadata: { team: "a" } });
    assert.deepEqual(t.pat.events[0]!.data, { channel: "orders.eu", pattern: "orders.*", body: { n: 1 } });
  });

  it("is unhealthy, naming the event, while the server refuses its password", async () => {
    const s = await startEventSource(
      bus.url,
      "badauth",
      eventSource("r", { redis: { in: { hostAddress: redis.address, channels: ["x"], username: "app", password: { name: "redis", key: "password" } } } }),
      { secrets: async () => "wrong" },
    );
    running.push(s);
    await waitFor("reported", () => Object.keys(s.running.health().components).includes("redis/in"), 30_000);
    assert.equal(s.running.health().healthy, false);
  });

  it("runs the example (manifests/examples/redis) end to end", async () => {
    await runExample(
      "redis",
      { eventsource: [["localhost:6380", example.address]], sensor: [["http://localhost:8090", sink.url]] },
      { natsUrl: bus.url, namespace: "redis-example", procs },
    );
    const c = example.client();
    await c.publish("metrics.cpu", JSON.stringify({ severity: "info", text: "fine" }));
    await c.publish("metrics.cpu", JSON.stringify({ severity: "page", text: "cpu at 100%" }));
    await waitFor("the page posted", () => sink.received.some((r) => r.path === "/page"), 30_000);
    assert.deepEqual(sink.received.filter((r) => r.path === "/page").map((r) => r.json), [{ text: "cpu at 100%", channel: "metrics.cpu" }]);
  });
});
