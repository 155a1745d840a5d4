// The kafka trigger against a real Kafka 4.x broker: records written as expected; a produce error fails the firing (retry, DLQ).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { startKafka, type KafkaBroker } from "../../kit/kafka.js";
import { createTopic, readTopic } from "../../kit/kafka-io.js";
import { startNats } from "../../kit/nats.js";
import { sensor } from "../../kit/resources.js";
import { metricValue, startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let kafka: KafkaBroker;
let nats: NatsServer;
let sink: Sink;
const running: Started[] = [];

before(async () => {
  [kafka, nats, sink] = await Promise.all([startKafka(), startNats(), startSink()]);
});
after(async () => {
  for (const r of running.reverse()) await r.stop();
  await sink.close();
  await nats.stop();
  await kafka.stop();
});

const dep = { name: "o", eventSourceName: "orders", eventName: "created" };

describe("kafka trigger", () => {
  it("writes one record per firing with the payload, key, headers and partition asked for", async () => {
    await createTopic(kafka.brokers, "shipments", 3);
    const secret = async (ref: { name: string; key: string }) => {
      if (ref.name === "kafka-headers" && ref.key === "token") return "s3cret";
      throw new Error(`no secret ${ref.name}/${ref.key}`);
    };
    const s = await startSensor(
      nats.url,
      "write",
      sensor("ship", {
        dependencies: [dep],
        triggers: [
          {
            template: {
              name: "to-kafka",
              kafka: {
                url: kafka.url,
                topic: "shipments",
                partitioningKey: "placeholder",
                headers: { "x-source": "impulse" },
                secureHeaders: [{ name: "x-token", valueFrom: { secretKeyRef: { name: "kafka-headers", key: "token" } } }],
                payload: [
                  { src: { dependencyName: "o", dataKey: "body.id" }, dest: "orderId" },
                  { src: { dependencyName: "o", dataKey: "body.amount", useRawData: true }, dest: "amount" },
                ],
              },
            },
            parameters: [{ src: { dependencyName: "o", dataKey: "body.customer" }, dest: "kafka.partitioningKey" }],
          },
          {
            template: {
              name: "pinned",
              kafka: { url: kafka.url, topic: "shipments", partition: 2, compress: true, payload: [{ src: { dependencyName: "o", dataKey: "body.id" }, dest: "id" }] },
            },
          },
        ],
      }),
      { secrets: secret },
    );
    running.push(s);
    const hook = await startWebhook(nats.url, "write", "orders", "created");
    running.push(hook);
    const N = 12;
    for (let i = 0; i < N; i++) await hook.send({ id: `o-${i}`, amount: i * 10, customer: `c${i % 3}` });

    const records = await readTopic(kafka.brokers, "shipments", 2 * N);
    const keyed = records.filter((r) => r.key !== null);
    const pinned = records.filter((r) => r.key === null);
    assert.equal(keyed.length, N);
    assert.deepEqual(
      keyed.map((r) => JSON.parse(r.value)).sort((a, b) => a.amount - b.amount),
      Array.from({ length: N }, (_, i) => ({ orderId: `o-${i}`, amount: i * 10 })),
    );
    for (const r of keyed) {
      assert.equal(r.key, `c${(JSON.parse(r.value) as { amount: number }).amount / 10 % 3}`, "partitioningKey comes from the parameter");
      assert.equal(r.headers["x-source"], "impulse");
      assert.equal(r.headers["x-token"], "s3cret");
      assert.match(r.headers["idempotency-key"]!, /^[0-9a-f]{32}$/);
    }
    // One key, one partition: what consumers of the topic rely on for per-key order.
    for (const key of ["c0", "c1", "c2"]) assert.equal(new Set(keyed.filter((r) => r.key === key).map((r) => r.partition)).size, 1);
    assert.equal(pinned.length, N);
    assert.ok(pinned.every((r) => r.partition === 2), "partition: 2 is honoured");
    await waitFor("fired metric", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 2 * N);
  });

  it("collects concurrent firings for flushFrequency ms into one request, each firing still acknowledged", async () => {
    await createTopic(kafka.brokers, "batched", 1);
    const s = await startSensor(
      nats.url,
      "batch",
      sensor("batch", {
        dependencies: [dep],
        triggers: [
          {
            template: {
              name: "batched",
              kafka: { url: kafka.url, topic: "batched", flushFrequency: 50, requiredAcks: 1, payload: [{ src: { dependencyName: "o", dataKey: "body.id" }, dest: "id" }] },
            },
          },
        ],
      }),
    );
    running.push(s);
    const hook = await startWebhook(nats.url, "batch", "orders", "created");
    running.push(hook);
    const N = 30;
    await Promise.all(Array.from({ length: N }, (_, i) => hook.send({ id: `b-${i}` })));
    const records = await readTopic(kafka.brokers, "batched", N);
    assert.deepEqual(records.map((r) => (JSON.parse(r.value) as { id: string }).id).sort(), Array.from({ length: N }, (_, i) => `b-${i}`).sort());
    await waitFor("every firing succeeded", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === N);
  });

  it("fails the firing when the produce fails, so retryStrategy and the dead-letter trigger apply (Argo only logs)", async () => {
    const nowhere = `127.0.0.1:${await freePort()}`;
    const s = await startSensor(
      nats.url,
      "fail",
      sensor("lost", {
        dependencies: [dep],
        triggers: [
          {
            template: { name: "to-nowhere", kafka: { url: nowhere, topic: "t", payload: [{ src: { dependencyName: "o", dataKey: "body.id" }, dest: "id" }] } },
            atLeastOnce: true,
            retryStrategy: { steps: 2, duration: "100ms" },
            dlqTrigger: { template: { name: "dlq", http: { url: `${sink.url}/dlq`, payload: [{ src: { dependencyName: "o", dataKey: "body.id" }, dest: "id" }] } } },
          },
        ],
      }),
    );
    running.push(s);
    const hook = await startWebhook(nats.url, "fail", "orders", "created");
    running.push(hook);
    await hook.send({ id: "o-dead" });
    const dead = await waitFor("dead-letter call", () => sink.received.find((r) => r.path === "/dlq"), 60_000);
    assert.deepEqual(dead.json, { id: "o-dead" });
    assert.equal(await metricValue(s.registry, "impulse_sensor_triggers_fired_total", { trigger: "to-nowhere" }), 0);
    assert.ok((await metricValue(s.registry, "impulse_sensor_trigger_retries_total")) >= 1, "the failed produce was retried");
    await waitFor("dead-lettered metric", async () => (await metricValue(s.registry, "impulse_sensor_events_dead_lettered_total")) === 1);
  });
});
