// Delivery policies against a real nats-server: dead-letter trigger, rate limit under a burst, time filter.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { startNats } from "../../kit/nats.js";
import { eventSource, sensor } from "../../kit/resources.js";
import { metricValue, startEventSource, startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let sink: Sink;
let failing: Sink;
const started: Started[] = [];

before(async () => {
  nats = await startNats();
  sink = await startSink();
  failing = await startSink();
  failing.respondWith(503);
});
after(async () => {
  for (const s of started.reverse()) await s.stop();
  await sink.close();
  await failing.close();
  await nats.stop();
});

async function webhook(ns: string) {
  const hook = await startWebhook(nats.url, ns, "src");
  started.push(hook);
  return hook.send;
}

const dep = { name: "d", eventSourceName: "src", eventName: "e" };
const payload = [{ src: { dependencyName: "d", dataKey: "body.n" }, dest: "n" }];

describe("delivery policies", () => {
  it("hands the events to the dlqTrigger after the last retry, once", async () => {
    const send = await webhook("dlq");
    const s = await startSensor(
      nats.url,
      "dlq",
      sensor("dlq", {
        dependencies: [dep],
        triggers: [
          {
            template: { name: "main", http: { url: `${failing.url}/main`, payload } },
            retryStrategy: { steps: 2, duration: "20ms" },
            dlqTrigger: { template: { name: "dead-letters", http: { url: `${sink.url}/dlq`, payload } }, retryStrategy: { steps: 1 } },
          },
        ],
      }),
    );
    started.push(s);
    await send({ n: 1 });
    await waitFor("dead-lettered", async () => (await metricValue(s.registry, "impulse_sensor_events_dead_lettered_total")) === 1);
    assert.equal(failing.received.filter((r) => r.path === "/main").length, 2, "two attempts on the main trigger");
    const dlq = sink.received.filter((r) => r.path === "/dlq");
    assert.equal(dlq.length, 1);
    assert.deepEqual(dlq[0]!.json, { n: "1" });
    assert.equal(await metricValue(s.registry, "impulse_sensor_triggers_failed_total"), 1);
  });

  it("keeps the event on the bus when the dlqTrigger fails too, and delivers it again", async () => {
    const send = await webhook("dlq-fails");
    const s = await startSensor(
      nats.url,
      "dlq-fails",
      sensor("dlq-fails", {
        dependencies: [dep],
        triggers: [
          {
            template: { name: "main", http: { url: `${failing.url}/main2`, payload } },
            retryStrategy: { steps: 1 },
            dlqTrigger: { template: { name: "dead-letters", http: { url: `${failing.url}/dlq2`, payload } }, retryStrategy: { steps: 1 } },
          },
        ],
      }),
    );
    started.push(s);
    await send({ n: 2 });
    await waitFor("dlq attempted", () => failing.received.some((r) => r.path === "/dlq2"));
    // The dlq failed: nothing was acknowledged; the bus redelivers the event after DLQ_FAILED_REDELIVERY_MS (30 s), here to a restarted sensor.
    await s.stop();
    started.pop();
    failing.respondWith(200);
    try {
      const again = await startSensor(
        nats.url,
        "dlq-fails",
        sensor("dlq-fails", {
          dependencies: [dep],
          triggers: [{ template: { name: "main", http: { url: `${failing.url}/main2`, payload } }, retryStrategy: { steps: 1 } }],
        }),
      );
      started.push(again);
      await waitFor("redelivered and fired", async () => (await metricValue(again.registry, "impulse_sensor_triggers_fired_total")) === 1, 40_000);
    } finally {
      failing.respondWith(503);
    }
  });

  it("holds rateLimit under a burst: never more than requestsPerUnit in any one-second window", async () => {
    const send = await webhook("rate");
    const s = await startSensor(
      nats.url,
      "rate",
      sensor("rate", {
        dependencies: [dep],
        triggers: [{ template: { name: "limited", http: { url: `${sink.url}/rate`, payload } }, rateLimit: { unit: "Second", requestsPerUnit: 2 } }],
      }),
    );
    started.push(s);
    const at: number[] = [];
    const origin = sink.received.length;
    await Promise.all(Array.from({ length: 6 }, (_, i) => send({ n: i })));
    await waitFor("all six", () => sink.received.filter((r) => r.path === "/rate").length === 6, 20_000);
    for (const r of sink.received.slice(origin)) if (r.path === "/rate") at.push(r.at);
    // Arrival times carry a few ms of network jitter on top of the limiter's exact spacing: allow 50 ms of it.
    for (const start of at) assert.ok(at.filter((t) => t >= start && t < start + 950).length <= 2, `more than 2 calls in the second after ${start}: ${at.map((t) => t - at[0]!)}`);
  });

  it("passes only events inside the time filter's window", async () => {
    const send = await webhook("time");
    const now = new Date();
    const hh = (d: Date) => d.toISOString().slice(11, 19);
    const s = await startSensor(
      nats.url,
      "time",
      sensor("time", {
        dependencies: [
          // A window that never contains "now" (one second wide, twelve hours away) and one that always does.
          { name: "never", eventSourceName: "src", eventName: "e", filters: { time: { start: hh(new Date(now.getTime() + 12 * 3600_000)), stop: hh(new Date(now.getTime() + 12 * 3600_000 + 1000)) } } },
          { name: "always", eventSourceName: "src", eventName: "e", filters: { time: { start: "00:00:00", stop: "23:59:59" } } },
        ],
        triggers: [
          { template: { name: "never", conditions: "never", http: { url: `${sink.url}/never`, payload: [] } } },
          { template: { name: "always", conditions: "always", http: { url: `${sink.url}/always`, payload: [] } } },
        ],
      }),
    );
    started.push(s);
    await send({ n: 1 });
    await waitFor("always fired", () => sink.received.some((r) => r.path === "/always"));
    await waitFor("never filtered", async () => (await metricValue(s.registry, "impulse_sensor_events_filtered_total", { trigger: "never" })) === 1);
    assert.equal(sink.received.filter((r) => r.path === "/never").length, 0);
  });
});

describe("idempotency", () => {
  it("suppresses a second firing when the same CloudEvent comes back after the bus's own dedup window", async () => {
    const ns = "idem";
    const stream = { duplicates: "1s" };
    const port = await freePort();
    started.push(await startEventSource(nats.url, ns, eventSource("src", { webhook: { e: { port: String(port), endpoint: "/e", method: "POST" } } }), { stream }));
    const s = await startSensor(nats.url, ns, sensor("idem", { dependencies: [dep], triggers: [{ template: { name: "once", http: { url: `${sink.url}/idem`, payload } } }] }), { stream, dedupWindowMs: 60_000 });
    started.push(s);
    const sendCe = async () => {
      const r = await request(`http://127.0.0.1:${port}/e`, {
        method: "POST",
        headers: { "content-type": "application/json", "ce-specversion": "1.0", "ce-id": "same-id", "ce-source": "client", "ce-type": "t" },
        body: JSON.stringify({ n: 7 }),
      });
      await r.body.dump();
      assert.equal(r.statusCode, 200);
    };
    await sendCe();
    await waitFor("first firing", () => sink.received.some((r) => r.path === "/idem"));
    // Past the bus's 1 s duplicate window the stream stores the event again; the sensor must not fire twice.
    await waitFor("bus window passed", async () => {
      await sendCe();
      return (await metricValue(s.registry, "impulse_sensor_events_received_total")) >= 2;
    }, 10_000);
    await waitFor("duplicate suppressed", async () => (await metricValue(s.registry, "impulse_sensor_duplicates_suppressed_total")) >= 1);
    assert.equal(sink.received.filter((r) => r.path === "/idem").length, 1);
  });
});

describe("ordering and concurrency", () => {
  it("fires events with the same orderingKey one after another, other keys meanwhile", async () => {
    const send = await webhook("ordering");
    const s = await startSensor(
      nats.url,
      "ordering",
      sensor("ordering", {
        dependencies: [dep],
        triggers: [
          {
            template: {
              name: "per-customer",
              http: {
                url: `${sink.url}/ordered`,
                payload: [
                  { src: { dependencyName: "d", dataKey: "body.id" }, dest: "id" },
                  { src: { dependencyName: "d", dataKey: "body.delayMs", useRawData: true }, dest: "delayMs" },
                ],
              },
            },
            orderingKey: "body.customer",
          },
        ],
      }),
    );
    started.push(s);
    await send({ id: "a1", customer: "A", delayMs: 400 });
    await send({ id: "a2", customer: "A", delayMs: 0 });
    await send({ id: "b1", customer: "B", delayMs: 0 });
    await waitFor("three calls", () => sink.received.filter((r) => r.path === "/ordered").length === 3);
    const at = Object.fromEntries(sink.received.filter((r) => r.path === "/ordered").map((r) => [(r.json as { id: string }).id, r.at]));
    assert.ok(at["a2"]! - at["a1"]! >= 390, `a2 must wait for a1's response (${at["a2"]! - at["a1"]!} ms)`);
    assert.ok(at["b1"]! < at["a2"]!, "b1 does not wait for customer A");
  });

  it("limits a trigger to its own concurrency", async () => {
    const send = await webhook("serial");
    const s = await startSensor(
      nats.url,
      "serial",
      sensor("serial", {
        dependencies: [dep],
        triggers: [
          {
            template: { name: "one-at-a-time", http: { url: `${sink.url}/serial`, payload: [{ src: { dependencyName: "d", dataKey: "body.delayMs", useRawData: true }, dest: "delayMs" }] } },
            concurrency: 1,
          },
        ],
      }),
    );
    started.push(s);
    await Promise.all([send({ delayMs: 200 }), send({ delayMs: 200 }), send({ delayMs: 200 })]);
    await waitFor("three calls", () => sink.received.filter((r) => r.path === "/serial").length === 3);
    const at = sink.received.filter((r) => r.path === "/serial").map((r) => r.at);
    for (let i = 1; i < at.length; i++) assert.ok(at[i]! - at[i - 1]! >= 190, `call ${i} started ${at[i]! - at[i - 1]!} ms after the previous one`);
  });
});
