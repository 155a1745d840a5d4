// The event journal against a real nats-server: each kind of journey an event can take, retention, and the off switch.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { ErrorCodes, toImpulseEvent, type Sensor } from "@impulse/api";
import { JournalClient, journalStreamName, type EventJourney, type NatsServer } from "@impulse/bus";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { compileSensor, dryRun } from "@impulse/sensor";
import { startNats } from "../../kit/nats.js";
import { sensor } from "../../kit/resources.js";
import { startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let sink: Sink;
let flaky: { url: string; calls: number; server: Server };
const started: Started[] = [];
const clients: JournalClient[] = [];

/** Answers 500 to its first call and 200 after. */
async function startFlaky(): Promise<typeof flaky> {
  const f = { url: "", calls: 0, server: createServer((_req, res) => res.writeHead(f.calls++ === 0 ? 500 : 200).end("{}")) };
  await new Promise<void>((r) => f.server.listen(0, "127.0.0.1", r));
  f.url = `http://127.0.0.1:${(f.server.address() as AddressInfo).port}`;
  return f;
}

before(async () => {
  nats = await startNats();
  sink = await startSink();
  flaky = await startFlaky();
});
after(async () => {
  for (const c of clients) await c.close();
  for (const s of started.reverse()) await s.stop();
  await new Promise((r) => flaky.server.close(r));
  await sink.close();
  await nats.stop();
});

const dep = { name: "order", eventSourceName: "orders", eventName: "created", filters: { data: [{ path: "body.amount", type: "number", comparator: ">", value: ["100"] }] } };

async function setup(ns: string, triggers: unknown[], journal?: { enabled?: boolean; maxAge?: string; maxBytes?: number }) {
  const hook = await startWebhook(nats.url, ns, "orders", "created", undefined, journal);
  started.push(hook);
  const resource: Sensor = sensor("shop", { dependencies: [dep], triggers });
  started.push(await startSensor(nats.url, ns, resource, { ...(journal ? { journal } : {}) }));
  const client = await JournalClient.connect({ url: nats.url, namespace: ns, busName: "default" });
  clients.push(client);
  return { send: hook.send, port: hook.port, client, resource };
}

/** The journey once the trigger's firing (or a verdict without one) is recorded. */
function journeyWhen(client: JournalClient, id: string, done: (j: EventJourney) => boolean) {
  return waitFor(`journey of ${id}`, async () => {
    const j = await client.get(id).catch(() => undefined);
    return j && done(j) ? j : undefined;
  });
}

describe("event journal", () => {
  it("records a matched event: ingest with its bus sequence, the verdict, the attempt, the outcome and the data", async () => {
    const { send, client } = await setup("matched", [{ template: { name: "post", http: { url: `${sink.url}/ok` } } }]);
    const id = await send({ amount: 250 });
    const j = await journeyWhen(client, id, (j) => j.sensors[0]?.firing !== undefined);
    assert.equal(j.ingest.length, 1);
    assert.equal(j.ingest[0]!.source, "orders");
    assert.equal(j.ingest[0]!.event, "created");
    assert.ok(j.ingest[0]!.sequence! >= 1);
    const t = j.sensors[0]!;
    assert.deepEqual([t.sensor, t.trigger], ["shop", "post"]);
    assert.deepEqual(t.dependencies.map((d) => [d.name, d.matched]), [["order", true]]);
    assert.deepEqual(t.attempts, [], "a first-time success is told by the firing record alone");
    assert.equal(t.firing!.outcome, "succeeded");
    assert.equal(t.firing!.attempts, 1);
    assert.match(t.firing!.result!, /200/);
    assert.deepEqual(t.firing!.events, { order: id });
    assert.equal(t.firing!.triggerKind, "http");
    assert.deepEqual((j.data!.data as { body: unknown }).body, { amount: 250 });
  });

  it("shows a match while its firing still runs (a slow target), then the firing, with one verdict record", async () => {
    const slow = createServer((_req, res) => void setTimeout(() => res.writeHead(200).end("{}"), 2500));
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    try {
      const url = `http://127.0.0.1:${(slow.address() as AddressInfo).port}`;
      const { send, client } = await setup("slow", [{ template: { name: "post", http: { url } } }]);
      const id = await send({ amount: 250 });
      const during = await journeyWhen(client, id, (j) => j.sensors[0]?.dependencies.length === 1);
      assert.equal(during.sensors[0]!.firing, undefined, "seen while the call runs");
      assert.deepEqual(during.sensors[0]!.dependencies.map((d) => [d.name, d.matched]), [["order", true]]);
      const j = await journeyWhen(client, id, (x) => x.sensors[0]?.firing !== undefined);
      assert.equal(j.sensors[0]!.firing!.outcome, "succeeded");
      assert.deepEqual(j.sensors[0]!.dependencies.map((d) => d.name), ["order"], "the firing adds no second verdict");
    } finally {
      slow.closeAllConnections();
      await new Promise((r) => slow.close(r));
    }
  });

  it("records a filtered event with the reason `impulse sensor test` gives", async () => {
    const { send, client, resource } = await setup("filtered", [{ template: { name: "post", http: { url: `${sink.url}/filtered` } } }]);
    const id = await send({ amount: 5 });
    const j = await journeyWhen(client, id, (j) => j.sensors[0]?.dependencies.length === 1);
    const verdict = j.sensors[0]!.dependencies[0]!;
    assert.equal(verdict.matched, false);
    const dry = await dryRun(compileSensor(resource).sensor!, [toImpulseEvent({ ...j.data!, specversion: "1.0" })]);
    assert.equal(verdict.reason, dry[0]!.dependencies[0]!.reason);
    assert.match(verdict.reason!, /body\.amount/);
    const page = await client.list({ sensor: "shop", outcome: "filtered" });
    assert.deepEqual(page.items.map((r) => [r.eventId, r.status]), [[id, "filtered"]]);
  });

  it("records each attempt of a trigger that failed, then succeeded", async () => {
    const { send, client } = await setup("retried", [{ template: { name: "post", http: { url: `${flaky.url}/x` } }, retryStrategy: { steps: 3, duration: "10ms" } }]);
    const id = await send({ amount: 300 });
    const j = await journeyWhen(client, id, (j) => j.sensors[0]?.firing !== undefined);
    const t = j.sensors[0]!;
    assert.deepEqual(t.attempts.map((a) => [a.attempt, a.ok]), [[1, false]]);
    assert.match(t.attempts[0]!.error!, /500/);
    assert.equal(t.firing!.outcome, "succeeded");
    assert.equal(t.firing!.attempts, 2);
    assert.match(t.firing!.result!, /200/);
  });

  it("records a firing handed to the dlqTrigger, listed by --outcome failed", async () => {
    const { send, client } = await setup("dlq", [
      {
        template: { name: "post", http: { url: `${sink.url}/dlq-main` } },
        policy: { status: { allow: [201] } },
        retryStrategy: { steps: 1 },
        dlqTrigger: { template: { name: "dead", log: {} } },
      },
    ]);
    const id = await send({ amount: 999 });
    const j = await journeyWhen(client, id, (j) => j.sensors[0]?.firing !== undefined);
    const t = j.sensors[0]!;
    assert.equal(t.firing!.outcome, "dead-lettered");
    assert.equal(t.firing!.dlqTrigger, "dead");
    assert.deepEqual(t.attempts.map((a) => [a.ranTrigger, a.ok]), [["post", false]]);
    assert.equal(t.firing!.attempts, 2, "the trigger's attempt and the dlqTrigger's");
    assert.equal(t.firing!.result, "logged");
    const failed = await client.list({ outcome: "failed" });
    assert.deepEqual(failed.items.map((r) => [r.eventId, r.status]), [[id, "dead-lettered"]]);
    assert.deepEqual((await client.list({ outcome: "succeeded" })).items, []);
  });

  it("records a condition's state: waiting for the other dependency, then a firing findable from both events", async () => {
    const ns = "condition";
    const orders = await startWebhook(nats.url, ns, "orders", "created");
    const payments = await startWebhook(nats.url, ns, "payments", "paid");
    started.push(orders, payments);
    const deps = [dep, { name: "payment", eventSourceName: "payments", eventName: "paid" }];
    started.push(await startSensor(nats.url, ns, sensor("shop", { dependencies: deps, triggers: [{ template: { name: "post", conditions: "order && payment", log: {} } }] })));
    const client = await JournalClient.connect({ url: nats.url, namespace: ns, busName: "default" });
    clients.push(client);
    const orderId = await orders.send({ amount: 150 });
    const waiting = await journeyWhen(client, orderId, (j) => j.sensors[0]?.condition !== undefined);
    assert.deepEqual(waiting.sensors[0]!.condition, { ...waiting.sensors[0]!.condition!, satisfied: false, have: ["order"], waitingFor: ["payment"] });
    assert.deepEqual((await client.list({ outcome: "waiting" })).items.map((r) => [r.eventId, r.status]), [[orderId, "waiting for payment"]]);
    const paymentId = await payments.send({ paid: true });
    const done = await journeyWhen(client, paymentId, (j) => j.sensors[0]?.firing !== undefined);
    assert.deepEqual(done.sensors[0]!.condition!.satisfied, true);
    assert.deepEqual(done.sensors[0]!.firing!.events, { order: orderId, payment: paymentId });
    const fromOrder = await journeyWhen(client, orderId, (j) => j.sensors[0]?.firing !== undefined);
    assert.equal(fromOrder.sensors[0]!.firing!.outcome, "succeeded");
  });

  it("pages lists with a cursor and filters by EventSource on the server", async () => {
    const { send, client } = await setup("paging", [{ template: { name: "post", log: {} } }]);
    const ids = [await send({ amount: 1 }), await send({ amount: 2 }), await send({ amount: 3 })];
    await waitFor("three ingest records", async () => (await client.list({})).items.length === 3);
    const first = await client.list({ limit: 2 });
    assert.deepEqual(first.items.map((r) => r.eventId), ids.slice(0, 2));
    const second = await client.list({ limit: 2, cursor: first.next! });
    assert.deepEqual(second.items.map((r) => r.eventId), ids.slice(2));
    assert.equal(second.next, undefined);
    assert.deepEqual((await client.list({ source: "elsewhere" })).items, []);
    assert.equal((await client.list({ source: "orders", event: "created" })).items.length, 3);
  });

  it("drops records older than journal.maxAge", async () => {
    const { send, client } = await setup("retention", [{ template: { name: "post", log: {} } }], { maxAge: "1s" });
    const id = await send({ amount: 500 });
    await journeyWhen(client, id, (j) => j.sensors[0]?.firing !== undefined);
    assert.equal((await client.info()).maxAgeMs, 1000);
    await waitFor("records aged out", async () => (await client.info()).records === 0, 20_000);
    await assert.rejects(client.get(id), (e: { code?: string }) => e.code === ErrorCodes.NotFound);
  });

  it("keeps the journal under journal.maxBytes by dropping its oldest records", async () => {
    const { send, client } = await setup("bytes", [{ template: { name: "post", log: {} } }], { maxBytes: 4096 });
    const ids: string[] = [];
    for (let i = 0; i < 20; i++) ids.push(await send({ amount: 150, pad: "x".repeat(100) }));
    await waitFor("the last event's firing", async () => (await client.get(ids.at(-1)!).catch(() => undefined))?.sensors[0]?.firing !== undefined);
    const info = await client.info();
    assert.ok(info.bytes <= 4096, `${info.bytes} bytes kept`);
    await assert.rejects(client.get(ids[0]!), (e: { code?: string }) => e.code === ErrorCodes.NotFound);
  });

  it("stores its records with nats-server's async persist mode; a journal stream made before keeps its mode and works", async () => {
    const nc = await connect({ servers: nats.url });
    try {
      const jsm = await jetstreamManager(nc);
      const mode = async (ns: string) => (await jsm.streams.info(journalStreamName({ namespace: ns, busName: "default" }))).config.persist_mode;
      const fresh = await setup("persist-new", [{ template: { name: "post", log: {} } }]);
      assert.equal(await mode("persist-new"), "async");
      // A journal stream as an earlier Impulse made it (each record written at once): nats-server cannot change a
      // stream's persist mode, so it stays, and the journal must not fail over it.
      await jsm.streams.add({ name: journalStreamName({ namespace: "persist-old", busName: "default" }), subjects: ["impulse-journal.persist-old.default.>"] });
      const old = await setup("persist-old", [{ template: { name: "post", log: {} } }]);
      assert.equal(await mode("persist-old"), undefined);
      for (const { send, client } of [fresh, old]) {
        const id = await send({ amount: 500 });
        const j = await journeyWhen(client, id, (x) => x.sensors[0]?.firing !== undefined);
        assert.equal(j.sensors[0]!.firing!.outcome, "succeeded");
      }
    } finally {
      await nc.close();
    }
  });

  it("samples a flood of rejections: a few records per EventSource/event, not one per request", async () => {
    const { client, port } = await setup("flood", [{ template: { name: "post", log: {} } }]);
    for (let i = 0; i < 20; i++) {
      const r = await fetch(`http://127.0.0.1:${port}/e`, { method: "POST", headers: { "content-type": "application/json" }, body: "{bad" });
      assert.equal(r.status, 400);
    }
    const rows = await waitFor("rejection rows", async () => {
      const items = (await client.list({ source: "orders" })).items;
      return items.length === 5 ? items : undefined;
    });
    assert.ok(rows.every((r) => r.status === "rejected" && /^HTTP 400: body is not valid JSON/.test(r.rejected!.reason)));
  });

  it("writes nothing when the EventBus turned the journal off, and events still fire", async () => {
    const { send, client } = await setup("off", [{ template: { name: "post", http: { url: `${sink.url}/off` } } }], { enabled: false });
    await send({ amount: 700 });
    await waitFor("the trigger fired", () => sink.received.some((r) => r.path === "/off"));
    await assert.rejects(client.info(), (e: { code?: string; message: string }) => e.code === ErrorCodes.JournalUnavailable && /enabled: false/.test(e.message));
  });
});
