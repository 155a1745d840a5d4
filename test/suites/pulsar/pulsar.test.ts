// The pulsar trigger and EventSource against a real Apache Pulsar standalone (one broker for the file): the trigger's
// confirmed sends, the example end to end, and the queue-source contract (ack only after the bus stored, message id as event id).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ErrorCodes, ImpulseError, type PulsarTriggerTemplate, type Trigger } from "@impulse/api";
import { freePort, type NatsServer } from "@impulse/bus";
import { triggerDefinitions } from "@impulse/sensor";
import type { CliProcess } from "../../kit/cli.js";
import { testLogger } from "../../kit/log.js";
import { startNats } from "../../kit/nats.js";
import { startPulsar, type PulsarServer } from "../../kit/pulsar.js";
import { pulsarBacklog, pulsarPrepare, pulsarPublish, pulsarRead } from "../../kit/pulsar-io.js";
import { runExample } from "../../kit/run-example.js";
import { metricValue, startEventSource, startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { tapBus } from "../../kit/bus-tap.js";
import { eventSource, sensor } from "../../kit/resources.js";
import { sourceContract } from "../../kit/source-contract.js";
import { waitFor } from "../../kit/wait.js";

// One broker for the whole file: a standalone takes most of a minute to start. The contract (last) stops it.
let pulsarStarting: Promise<PulsarServer> | undefined;
const pulsar = () => (pulsarStarting ??= startPulsar());

describe("pulsar trigger", () => {
  let bus: NatsServer;
  let p: PulsarServer;
  const started: Started[] = [];
  const procs: CliProcess[] = [];
  before(async () => {
    [bus, p] = await Promise.all([startNats(), pulsar()]);
  });
  after(async () => {
    for (const x of procs) await x.stop();
    for (const s of started.reverse()) await s.stop();
    await bus?.stop();
  });
  const dep = { name: "d", eventSourceName: "src", eventName: "e" };

  it("produces the payload to the topic a parameter chose, with the idempotency key as key and property", async () => {
    const reader = await pulsarRead(p.webUrl, "shipments-eu");
    try {
      const hook = await startWebhook(bus.url, "pulsar-trigger", "src");
      started.push(hook);
      const s = await startSensor(bus.url, "pulsar-trigger", sensor("pulsar-trigger", {
        dependencies: [dep],
        triggers: [{
          template: {
            name: "ship",
            pulsar: {
              url: p.url, webServiceURL: p.webUrl, topic: "shipments-unknown",
              payload: [{ src: { dependencyName: "d", dataKey: "body.id" }, dest: "orderId" }, { src: { dependencyName: "d", dataKey: "body.total", useRawData: true }, dest: "total" }],
              parameters: [{ src: { dependencyName: "d", dataTemplate: "shipments-{{ .Input.body.region }}" }, dest: "topic" }],
            },
          },
        }],
      }));
      started.push(s);
      await hook.send({ id: "o-1", region: "eu", total: 12.5 });
      await waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1, 60_000);
      const [m] = await waitFor("received", () => reader.messages.length === 1 && reader.messages);
      assert.deepEqual(JSON.parse(m!.payload), { orderId: "o-1", total: 12.5 });
      assert.match(m!.properties["Idempotency-Key"] ?? "", /^[0-9a-f]{32}$/);
      assert.equal(m!.key, m!.properties["Idempotency-Key"]);
    } finally {
      reader.close();
    }
  });

  it("retries a broker that cannot be reached, then hands the events to the dlqTrigger", async () => {
    const reader = await pulsarRead(p.webUrl, "dead-letters");
    try {
      const dead = await freePort();
      const hook = await startWebhook(bus.url, "pulsar-dlq", "src");
      started.push(hook);
      const s = await startSensor(bus.url, "pulsar-dlq", sensor("pulsar-dlq", {
        dependencies: [dep],
        triggers: [{
          template: { name: "unreachable", pulsar: { url: `pulsar://127.0.0.1:${dead}`, webServiceURL: `http://127.0.0.1:${dead}`, topic: "never" } },
          retryStrategy: { steps: 2, duration: "20ms" },
          dlqTrigger: { template: { name: "dead", pulsar: { url: p.url, webServiceURL: p.webUrl, topic: "dead-letters", payload: [{ src: { dependencyName: "d", dataKey: "body.id" }, dest: "id" }] } }, retryStrategy: { steps: 1 } },
        }],
      }));
      started.push(s);
      await hook.send({ id: "o-9" });
      await waitFor("dead-lettered", async () => (await metricValue(s.registry, "impulse_sensor_events_dead_lettered_total")) === 1, 60_000);
      assert.equal(await metricValue(s.registry, "impulse_sensor_trigger_retries_total", { trigger: "unreachable" }), 1);
      const [m] = await waitFor("dead letter on its topic", () => reader.messages.length === 1 && reader.messages);
      assert.deepEqual(JSON.parse(m!.payload), { id: "o-9" });
    } finally {
      reader.close();
    }
  });

  describe("executor", () => {
    const def = triggerDefinitions.get("pulsar")!;
    const ac = new AbortController();
    after(() => ac.abort());
    const run = (t: PulsarTriggerTemplate) =>
      def
        .create({ sensorName: "direct", triggerName: "t", logger: testLogger(), secrets: async () => "", kubeConfig: () => { throw new Error("unused"); }, signal: ac.signal, template: { name: "t", pulsar: t } as Trigger["template"] })
        .execute({ template: t, payload: { a: 1 }, events: {}, idempotencyKey: "k", logger: testLogger() }, ac.signal);

    it("fails, to be retried, when no broker answers", async () => {
      const port = await freePort();
      await assert.rejects(run({ url: `pulsar://127.0.0.1:${port}`, webServiceURL: `http://127.0.0.1:${port}`, topic: "x" }), (e: unknown) => {
        assert.ok(e instanceof ImpulseError);
        assert.deepEqual([e.code, e.retryable], [ErrorCodes.TriggerFailed, true]);
        assert.match(e.message, /pulsar producer for x/);
        return true;
      });
    });
  });

  it("runs the pulsar example: orders from one topic become shipments on another", async () => {
    await pulsarPrepare(p.webUrl, "orders", "orders");
    const reader = await pulsarRead(p.webUrl, "shipments");
    try {
      const url = "url: pulsar://pulsar.messaging.svc:6650";
      const to = `url: ${p.url}\n      webServiceURL: ${p.webUrl}`;
      await runExample("pulsar", { eventsource: [[url, to]], sensor: [[url, `url: ${p.url}\n          webServiceURL: ${p.webUrl}`]] }, { natsUrl: bus.url, namespace: "pulsar-example", procs });
      await pulsarPublish(p.webUrl, "orders", ['{"id":"o-7","total":3.5}']);
      const [m] = await waitFor("shipment produced", () => reader.messages.length === 1 && reader.messages, 60_000);
      assert.deepEqual(JSON.parse(m!.payload), { orderId: "o-7", total: 3.5 });
      await waitFor("order acknowledged", async () => (await pulsarBacklog(p.webUrl, "orders", "orders")) === 0);
    } finally {
      reader.close();
    }
  });
});

describe("pulsar EventSource", () => {
  let bus: NatsServer;
  let p: PulsarServer;
  const started: { stop(): Promise<void> }[] = [];
  before(async () => {
    [bus, p] = await Promise.all([startNats(), pulsar()]);
  });
  after(async () => {
    for (const s of started.reverse()) await s.stop();
    await bus?.stop();
  });

  it("reads every topic of an event, full names too, with base64 bodies without jsonBody and metadata copied", async () => {
    const full = "persistent://public/default/es-multi-b";
    await pulsarPrepare(p.webUrl, "es-multi-a", "multi");
    await pulsarPrepare(p.webUrl, "es-multi-b", "multi");
    const tap = await tapBus(bus.url, "pulsar-es", "src", "multi");
    started.push(tap);
    const s = await startEventSource(bus.url, "pulsar-es", eventSource("src", { pulsar: { multi: { url: p.url, webServiceURL: p.webUrl, topics: ["es-multi-a", full], type: "shared", metadata: { team: "shop" } } } }));
    started.push(s);
    await waitFor("healthy", () => s.running.health().healthy, 60_000);
    await pulsarPublish(p.webUrl, "es-multi-a", ["a"]);
    await pulsarPublish(p.webUrl, "es-multi-b", ["b"]);
    await waitFor("both stored", () => tap.events.length === 2, 30_000);
    const bodies = tap.events.map((e) => Buffer.from(String((e.data as { body: string }).body), "base64").toString()).sort();
    assert.deepEqual(bodies, ["a", "b"]);
    assert.deepEqual(tap.events.map((e) => (e.data as { metadata: unknown }).metadata), [{ team: "shop" }, { team: "shop" }]);
    assert.ok(tap.events.some((e) => e.id.startsWith(`src:multi:${full}:`)), tap.events.map((e) => e.id).join());
  });
});

sourceContract({
  type: "pulsar",
  guarantee: "at-least-once",
  // A standalone restart (the outage check) takes most of a minute.
  restartTimeoutMs: 120_000,
  async start() {
    const p = await pulsar();
    const sent = new Map<string, number>();
    return {
      eventConfig: (topic) => ({ url: p.url, webServiceURL: p.webUrl, topics: [topic], jsonBody: true }),
      // The subscription (named after the event, "in") exists before anything is published, as a deployed source's would.
      prepare: (topic) => pulsarPrepare(p.webUrl, topic, "in"),
      publish: async (topic, payloads) => {
        await pulsarPublish(p.webUrl, topic, payloads, "k");
        sent.set(topic, (sent.get(topic) ?? 0) + payloads.length);
      },
      expectData: (d) => {
        assert.equal(d["key"], "k");
        assert.match(String(d["publishTime"]), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC$/);
        return d["body"];
      },
      acknowledged: async (topic) => (sent.get(topic) ?? 0) - (await pulsarBacklog(p.webUrl, topic, "in")),
      down: () => p.pause(),
      up: () => p.start(),
      stop: () => p.stop(),
    };
  },
});
