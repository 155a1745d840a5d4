// The kafka EventSource against a real Kafka 4.x broker and nats-server: event shape, order, poison records, body modes, partition mode.
// The queue-like source contract (SIGKILL, bus and broker outages, poison) runs in contract.test.ts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import type { RunningEventSource } from "@impulse/eventsource";
import { tapBus, type Tap } from "../../kit/bus-tap.js";
import { startKafka, type KafkaBroker } from "../../kit/kafka.js";
import { createTopic, kafkaClient, produce } from "../../kit/kafka-io.js";
import { startNats } from "../../kit/nats.js";
import { eventSource, sensor } from "../../kit/resources.js";
import { metricValue, startEventSource, startSensor, type Started } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let kafka: KafkaBroker;
let nats: NatsServer;
let sink: Sink;
const running: { stop(): Promise<void> }[] = [];

before(async () => {
  [kafka, nats, sink] = await Promise.all([startKafka(), startNats(), startSink()]);
});
after(async () => {
  for (const r of running.reverse()) await r.stop();
  // Each may be missing when before() failed part-way: stop what did start.
  await sink?.close();
  await nats?.stop();
  await kafka?.stop();
});

async function es(ns: string, name: string, events: Record<string, unknown>): Promise<Started & { running: RunningEventSource }> {
  const s = await startEventSource(nats.url, ns, eventSource(name, { kafka: events }));
  running.push(s);
  return s;
}

async function tap(ns: string, name: string, event: string): Promise<Tap> {
  const t = await tapBus(nats.url, ns, name, event);
  running.push(t);
  return t;
}

async function committed(groupId: string, topic: string): Promise<Record<number, number>> {
  const admin = kafkaClient(kafka.brokers).admin();
  await admin.connect();
  try {
    const [t] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return Object.fromEntries(t!.partitions.map((p) => [p.partition, Number(p.offset)]));
  } finally {
    await admin.disconnect();
  }
}

describe("kafka EventSource", () => {
  it("publishes N records as N events with Argo's data and id, in order per partition, and a sensor fires N times in that order", async () => {
    const topic = "orders";
    await createTopic(kafka.brokers, topic, 3);
    const N = 90;
    const produced = await produce(
      kafka.brokers,
      topic,
      Array.from({ length: N }, (_, i) => ({ key: `customer-${i % 7}`, value: JSON.stringify({ seq: i }), headers: { "x-trace": `t${i}` } })),
    );
    const t = await tap("order", "shop", "orders");
    const s = await startSensor(
      nats.url,
      "order",
      sensor("ship", {
        dependencies: [{ name: "o", eventSourceName: "shop", eventName: "orders" }],
        triggers: [
          {
            // Same partition → one after another, in stream order; partitions in parallel.
            orderingKey: "partition",
            template: {
              name: "post",
              http: {
                url: `${sink.url}/ship`,
                payload: [
                  { src: { dependencyName: "o", dataKey: "partition", useRawData: true }, dest: "partition" },
                  { src: { dependencyName: "o", dataKey: "body.seq", useRawData: true }, dest: "seq" },
                ],
              },
            },
          },
        ],
      }),
    );
    running.push(s);
    // The sensor's durable exists before the source publishes (a new durable starts at new events).
    await es("order", "shop", {
      orders: { url: kafka.url, topic, jsonBody: true, consumerGroup: { groupName: "shop", oldest: true }, metadata: { team: "a" } },
    });

    await waitFor("every record on the bus", () => t.events.length === N, 30_000);
    const byId = new Map(t.events.map((e) => [e.id, e]));
    assert.equal(byId.size, N, "no record published twice");
    for (const [i, p] of produced.entries()) {
      const e = byId.get(`shop:orders:${kafka.url}:${topic}:${p.partition}:${p.offset}`);
      assert.ok(e, `record ${i} at ${p.partition}/${p.offset} has Argo's id`);
      assert.equal(e.type, "kafka");
      assert.equal(e.source, "shop");
      assert.equal(e.subject, "orders");
      const d = e.data as Record<string, unknown>;
      assert.deepEqual(
        { topic: d["topic"], key: d["key"], partition: d["partition"], body: d["body"], headers: d["headers"], metadata: d["metadata"] },
        { topic, key: `customer-${i % 7}`, partition: p.partition, body: { seq: i }, headers: { "x-trace": `t${i}` }, metadata: { team: "a" } },
      );
      assert.match(String(d["timestamp"]), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d{1,3})? \+0000 UTC$/);
      assert.equal("offset" in d, false);
    }
    // Into the bus, each partition's events appear in offset order.
    const seqOnBus = (part: number) => t.events.filter((e) => (e.data as { partition: number }).partition === part).map((e) => (e.data as { body: { seq: number } }).body.seq);
    const seqProduced = (part: number) => produced.flatMap((p, i) => (p.partition === part ? [i] : []));
    for (const part of [0, 1, 2]) assert.deepEqual(seqOnBus(part), seqProduced(part), `partition ${part} order on the bus`);

    await waitFor("N firings", () => sink.received.filter((r) => r.path === "/ship").length === N, 30_000);
    const fired = sink.received.filter((r) => r.path === "/ship").map((r) => r.json as { partition: number; seq: number });
    for (const part of [0, 1, 2]) assert.deepEqual(fired.filter((f) => f.partition === part).map((f) => f.seq), seqProduced(part), `partition ${part} fired in order`);
    await waitFor("offsets committed", async () => {
      const c = await committed("shop", topic);
      return [0, 1, 2].every((p) => c[p] === produced.filter((x) => x.partition === p).length);
    });
  });

  it("skips and counts a record that is not JSON with jsonBody, without stalling its partition", async () => {
    const topic = "poison";
    await createTopic(kafka.brokers, topic, 1);
    const t = await tap("poison", "feed", "in");
    const s = await es("poison", "feed", { in: { url: kafka.url, topic, jsonBody: true, consumerGroup: { groupName: "feed", oldest: true } } });
    await produce(kafka.brokers, topic, [{ value: '{"n":1}' }, { value: "not json {" }, { value: '{"n":3}' }, { value: null }]);
    await waitFor("the records around the poison one", () => t.events.length === 3);
    assert.deepEqual(
      t.events.map((e) => (e.data as { body: unknown }).body),
      [{ n: 1 }, { n: 3 }, null],
      "the tombstone (null value) is an event with body null, as in Argo",
    );
    assert.equal(await metricValue(s.registry, "impulse_eventsource_events_failed_total", { reason: "poison" }), 1);
    await waitFor("offset committed past the poison record", async () => (await committed("feed", topic))[0] === 4);
  });

  it("skips and counts a record too large for the bus, without stalling its partition", async () => {
    const topic = "huge";
    await createTopic(kafka.brokers, topic, 1);
    const t = await tap("huge", "big", "in");
    const s = await es("huge", "big", { in: { url: kafka.url, topic, consumerGroup: { groupName: "big", oldest: true } } });
    // 900 KB fits Kafka's 1 MB limit; base64 in the event makes it larger than the bus's 1 MB max_payload.
    await produce(kafka.brokers, topic, [{ value: "x".repeat(900_000) }, { value: "after" }]);
    await waitFor("the record after the large one", () => t.events.length === 1);
    assert.equal((t.events[0]!.data as { body: string }).body, Buffer.from("after").toString("base64"));
    assert.equal(await metricValue(s.registry, "impulse_eventsource_events_failed_total", { reason: "too_large" }), 1);
    await waitFor("offset committed past the large record", async () => (await committed("big", topic))[0] === 2);
  });

  it("gives base64 bodies by default (as Argo) and passes JSON through with jsonPassthrough", async () => {
    const topic = "raw";
    await createTopic(kafka.brokers, topic, 1);
    const b64 = await tap("raw", "raw", "b64");
    const pass = await tap("raw", "raw", "pass");
    await es("raw", "raw", {
      b64: { url: kafka.url, topic, consumerGroup: { groupName: "raw-b64", oldest: true } },
      pass: { url: kafka.url, topic, jsonPassthrough: true, consumerGroup: { groupName: "raw-pass", oldest: true } },
    });
    await produce(kafka.brokers, topic, [{ value: '{"a":1}' }, { value: "hello" }]);
    await waitFor("both events, twice", () => b64.events.length === 2 && pass.events.length === 2);
    const body = (e: { data: unknown }) => (e.data as { body: unknown }).body;
    assert.deepEqual(b64.events.map(body), ["eyJhIjoxfQ==", "aGVsbG8="]);
    assert.deepEqual(pass.events.map(body), [{ a: 1 }, "aGVsbG8="]);
  });

  it("reads one partition without a consumer group, and resumes after a restart instead of skipping to the newest record", async () => {
    const topic = "single";
    await createTopic(kafka.brokers, topic, 2);
    await produce(kafka.brokers, topic, [{ value: '{"before":true}', partition: 1 }]);
    const t = await tap("single", "one", "p1");
    const spec = { p1: { url: kafka.url, topic, partition: "1", jsonBody: true } };
    const first = await startEventSource(nats.url, "single", eventSource("one", { kafka: spec }));
    await waitFor("fetching from partition 1", () => first.running.health().healthy, 30_000);
    await produce(kafka.brokers, topic, [
      { value: '{"n":1}', partition: 1 },
      { value: '{"other":true}', partition: 0 },
    ]);
    await waitFor("the record of partition 1", () => t.events.length === 1);
    await first.stop();
    await produce(kafka.brokers, topic, [{ value: '{"n":2}', partition: 1 }]);
    await es("single", "one", spec);
    await produce(kafka.brokers, topic, [{ value: '{"n":3}', partition: 1 }]);
    await waitFor("records produced while stopped and after", () => t.events.length === 3);
    assert.deepEqual(
      t.events.map((e) => (e.data as { body: unknown }).body),
      [{ n: 1 }, { n: 2 }, { n: 3 }],
      "starts at the newest record the first time (as Argo), then never loses one",
    );
  });

  it("waits, unhealthy, for a topic that does not exist yet instead of creating it", async () => {
    const t = await tap("late", "late", "in");
    const s = await es("late", "late", {
      in: { url: kafka.url, topic: "late", jsonBody: true, consumerGroup: { groupName: "late", oldest: true }, connectionBackoff: { duration: "200ms", steps: 1 } },
    });
    assert.equal(s.running.health().healthy, false);
    assert.match(JSON.stringify(s.running.health().components), /kafka\/in/);
    await createTopic(kafka.brokers, "late", 1);
    await produce(kafka.brokers, "late", [{ value: '{"n":1}' }]);
    await waitFor("the event once the topic exists", () => t.events.length === 1 && s.running.health().healthy, 60_000);
  });
});

