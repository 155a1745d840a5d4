// webhook → JetStream → Sensor → HTTP trigger, end to end against a real nats-server and a recording HTTP sink.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import { startNats } from "../../kit/nats.js";
import { sensor } from "../../kit/resources.js";
import { metricValue, startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let sink: Sink;
const started: Started[] = [];

before(async () => {
  nats = await startNats();
  sink = await startSink();
});
after(async () => {
  for (const s of started.reverse()) await s.stop();
  await sink.close();
  await nats.stop();
});

async function webhook(ns: string, name = "orders") {
  const hook = await startWebhook(nats.url, ns, name, "created");
  started.push(hook);
  return hook.send;
}

describe("webhook to http trigger", () => {
  it("fires with a payload built from dataKey, contextKey and defaults, and filters by data", async () => {
    const send = await webhook("happy");
    const s = await startSensor(
      nats.url,
      "happy",
      sensor("notify", {
        dependencies: [
          {
            name: "order",
            eventSourceName: "orders",
            eventName: "created",
            filters: { data: [{ path: "body.amount", type: "number", comparator: ">", value: ["100"] }] },
          },
        ],
        triggers: [
          {
            template: {
              name: "post",
              http: {
                url: `${sink.url}/hook/happy`,
                headers: { "X-Static": "yes" },
                payload: [
                  { src: { dependencyName: "order", dataKey: "body.id" }, dest: "orderId" },
                  { src: { dependencyName: "order", dataKey: "body.amount" }, dest: "amountText" },
                  { src: { dependencyName: "order", dataKey: "body.amount", useRawData: true }, dest: "amount" },
                  { src: { dependencyName: "order", contextKey: "source" }, dest: "meta.source" },
                  { src: { dependencyName: "order", dataKey: "body.missing", value: "fallback" }, dest: "meta.note" },
                ],
              },
            },
          },
        ],
      }),
    );
    started.push(s);
    await send({ id: "small", amount: 5 });
    const id = await send({ id: "big", amount: 250 });
    const hit = await waitFor("trigger call", () => sink.received.find((r) => r.path === "/hook/happy"));
    assert.equal(hit.method, "POST");
    assert.equal(hit.headers["x-static"], "yes");
    assert.equal(hit.headers["content-type"], "application/json");
    assert.match(String(hit.headers["idempotency-key"]), /^[0-9a-f]{32}$/);
    assert.deepEqual(hit.json, { orderId: "big", amountText: "250", amount: 250, meta: { source: "orders", note: "fallback" } });
    await waitFor("metrics", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    assert.equal(await metricValue(s.registry, "impulse_sensor_events_filtered_total"), 1);
    assert.equal(sink.received.filter((r) => r.path === "/hook/happy").length, 1, `only the event over 100 (${id}) fires`);
  });

  it("retries a trigger answering 500, then counts it as failed and moves on", async () => {
    const send = await webhook("failing");
    const s = await startSensor(
      nats.url,
      "failing",
      sensor("flaky", {
        dependencies: [{ name: "order", eventSourceName: "orders", eventName: "created" }],
        triggers: [
          {
            template: { name: "post", http: { url: `${sink.url}/hook/failing`, payload: [{ src: { dependencyName: "order", dataKey: "body.n" }, dest: "n" }] } },
            retryStrategy: { steps: 3, duration: "50ms", factor: 2 },
          },
        ],
      }),
    );
    started.push(s);
    sink.respondWith(500);
    try {
      await send({ n: 1 });
      await waitFor("failure counted", async () => (await metricValue(s.registry, "impulse_sensor_triggers_failed_total")) === 1);
      const calls = sink.received.filter((r) => r.path === "/hook/failing");
      assert.equal(calls.length, 3, "three attempts");
      assert.equal(new Set(calls.map((c) => c.headers["idempotency-key"])).size, 1, "one idempotency key across retries");
      assert.equal(await metricValue(s.registry, "impulse_sensor_trigger_retries_total"), 2);
    } finally {
      sink.respondWith(200);
    }
    // The failed event was given up, not blocking: the next one goes through.
    await send({ n: 2 });
    await waitFor("next event fires", () => sink.received.find((r) => r.path === "/hook/failing" && (r.json as { n: unknown }).n === "2"));
    assert.equal(await metricValue(s.registry, "impulse_sensor_triggers_fired_total"), 1);
  });

  it("treats a status as success when policy.status.allow lists it", async () => {
    const send = await webhook("policy");
    const s = await startSensor(
      nats.url,
      "policy",
      sensor("accepting", {
        dependencies: [{ name: "order", eventSourceName: "orders", eventName: "created" }],
        triggers: [{ template: { name: "post", http: { url: `${sink.url}/hook/policy` } }, policy: { status: { allow: [200, 404] } } }],
      }),
    );
    started.push(s);
    sink.respondWith(404);
    try {
      await send({});
      await waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
      assert.equal(await metricValue(s.registry, "impulse_sensor_triggers_failed_total"), 0);
    } finally {
      sink.respondWith(200);
    }
  });

  it("fires a trigger on either of two dependencies joined by ||", async () => {
    const sendA = await webhook("either", "a");
    const sendB = await webhook("either", "b");
    const s = await startSensor(
      nats.url,
      "either",
      sensor("either", {
        dependencies: [
          { name: "dep-a", eventSourceName: "a", eventName: "created" },
          { name: "dep-b", eventSourceName: "b", eventName: "created" },
        ],
        triggers: [
          {
            template: {
              name: "post",
              conditions: "dep_a || dep-b",
              http: {
                url: `${sink.url}/hook/either`,
                payload: [
                  { src: { dependencyName: "dep-a", dataKey: "body.v" }, dest: "a" },
                  { src: { dependencyName: "dep-b", dataKey: "body.v" }, dest: "b" },
                ],
              },
            },
          },
        ],
      }),
    );
    started.push(s);
    await sendA({ v: "from-a" });
    await sendB({ v: "from-b" });
    await waitFor("two calls", () => sink.received.filter((r) => r.path === "/hook/either").length === 2);
    const bodies = sink.received.filter((r) => r.path === "/hook/either").map((r) => r.json);
    assert.deepEqual(new Set(bodies.map((b) => JSON.stringify(b))), new Set([JSON.stringify({ a: "from-a" }), JSON.stringify({ b: "from-b" })]));
  });

  it("transforms with jq before a Lua script filter, and the trigger sees the transformed event", async () => {
    const send = await webhook("scripted");
    const s = await startSensor(
      nats.url,
      "scripted",
      sensor("scripted", {
        dependencies: [
          {
            name: "order",
            eventSourceName: "orders",
            eventName: "created",
            transform: { jq: ".body.amount *= 2" },
            filters: { script: "return event.body.amount > 100" },
          },
        ],
        triggers: [{ template: { name: "post", http: { url: `${sink.url}/hook/scripted`, payload: [{ src: { dependencyName: "order", dataKey: "body.amount", useRawData: true }, dest: "doubled" }] } } }],
      }),
    );
    started.push(s);
    await send({ amount: 30 });
    await send({ amount: 60 });
    await waitFor("one firing", () => sink.received.some((r) => r.path === "/hook/scripted"));
    await waitFor("both events handled", async () => (await metricValue(s.registry, "impulse_sensor_events_filtered_total")) === 1);
    assert.deepEqual(sink.received.filter((r) => r.path === "/hook/scripted").map((r) => r.json), [{ doubled: 120 }]);
  });
});
