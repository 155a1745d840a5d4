// The firing records in the sensor's KV bucket against a real nats-server: a firing recorded done is not fired
// again by a fresh sensor process, even as a first delivery; one recorded started but never done fires again
// with the same Idempotency-Key, logged and counted as a possible duplicate.
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { after, before, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { pino } from "pino";
import { request } from "undici";
import { startNats } from "../../kit/nats.js";
import { eventSource, sensor } from "../../kit/resources.js";
import { connectBus, metricValue, startEventSource, startSensor, type Started } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let sink: Sink;
const started: Started[] = [];
// The bus forgets event ids after 1 s, so the same CloudEvent sent again is stored and delivered again.
const stream = { duplicates: "1s" };

before(async () => {
  nats = await startNats();
  sink = await startSink();
});
after(async () => {
  for (const s of started.reverse()) await s.stop();
  await sink.close();
  await nats.stop();
});

const spec = (path: string) =>
  sensor("records", {
    dependencies: [{ name: "d", eventSourceName: "src", eventName: "e" }],
    triggers: [{ template: { name: "call", http: { url: `${sink.url}${path}`, payload: [{ src: { dependencyName: "d", dataKey: "body.n" }, dest: "n" }] } } }],
  });

async function webhook(ns: string): Promise<(id: string) => Promise<void>> {
  const port = await freePort();
  started.push(await startEventSource(nats.url, ns, eventSource("src", { webhook: { e: { port: String(port), endpoint: "/e", method: "POST" } } }), { stream }));
  return async (id) => {
    const r = await request(`http://127.0.0.1:${port}/e`, {
      method: "POST",
      headers: { "content-type": "application/json", "ce-specversion": "1.0", "ce-id": id, "ce-source": "client", "ce-type": "t" },
      body: JSON.stringify({ n: 1 }),
    });
    await r.body.dump();
    assert.equal(r.statusCode, 200);
  };
}

/** Sends the same CloudEvent until the sensor received it `times` times (past the bus's duplicate window). */
async function deliverAgain(send: (id: string) => Promise<void>, id: string, s: Started, times: number): Promise<void> {
  await waitFor("the event delivered again", async () => {
    if ((await metricValue(s.registry, "impulse_sensor_events_received_total")) >= times) return true;
    await send(id);
    return false;
  }, 60_000);
}

it("does not fire again for events whose firing was recorded done, in a fresh sensor and on a first delivery", async () => {
  const send = await webhook("records-done");
  const first = await startSensor(nats.url, "records-done", spec("/done"), { stream, dedupWindowMs: 60_000 });
  await send("done-1");
  await waitFor("first firing", () => sink.received.some((r) => r.path === "/done"), 60_000);
  // The first process is gone with its memory; only the record in the bus says the firing happened.
  await first.stop();
  const second = await startSensor(nats.url, "records-done", spec("/done"), { stream, dedupWindowMs: 60_000 });
  started.push(second);
  await deliverAgain(send, "done-1", second, 1);
  await waitFor("duplicate suppressed", async () => (await metricValue(second.registry, "impulse_sensor_duplicates_suppressed_total")) === 1, 60_000);
  assert.equal(sink.received.filter((r) => r.path === "/done").length, 1);
});

it("fires again, flagged as a possible duplicate, when a firing was recorded started but never done", async () => {
  const send = await webhook("records-started");
  const lines: string[] = [];
  const logger = pino({ level: "warn" }, new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }));
  const s = await startSensor(nats.url, "records-started", spec("/started"), { stream, dedupWindowMs: 60_000, logger });
  started.push(s);
  await send("started-1");
  await waitFor("first firing", () => sink.received.some((r) => r.path === "/started"), 60_000);
  const key = sink.received.find((r) => r.path === "/started")!.headers["idempotency-key"] as string;
  // What a sensor killed between the call and its record of the outcome leaves behind.
  const bus = await connectBus(nats.url, "records-started", stream);
  const kv = await bus.kv("sensor-records-fired", { ttlMs: 60_000 });
  await kv.put(key, new TextEncoder().encode(`started ${Date.now()} another-process.1`));
  await bus.close();

  // A fresh sensor process (empty memory), as after the kill.
  await s.stop();
  started.pop();
  const again = await startSensor(nats.url, "records-started", spec("/started"), { stream, dedupWindowMs: 60_000, logger });
  started.push(again);
  await deliverAgain(send, "started-1", again, 1);
  await waitFor("fired again", () => sink.received.filter((r) => r.path === "/started").length === 2, 60_000);
  await waitFor("counted", async () => (await metricValue(again.registry, "impulse_sensor_possible_duplicates_total")) === 1, 60_000);
  const calls = sink.received.filter((r) => r.path === "/started");
  assert.equal(calls[1]!.headers["idempotency-key"], key, "the same key, so the target can drop the repeat");
  const warned = lines.map((l) => JSON.parse(l) as { msg: string; idempotencyKey?: string }).filter((l) => l.msg.startsWith("possible duplicate"));
  assert.equal(warned.length, 1);
  assert.equal(warned[0]!.idempotencyKey, key);
});
