// `impulse events replay` and `redrive` against a real nats-server and a running Sensor.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ErrorCodes } from "@impulse/api";
import { JournalClient, redriveFirings, replayEvents, type NatsServer } from "@impulse/bus";
import { startNats } from "../../kit/nats.js";
import { sensor } from "../../kit/resources.js";
import { startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let sink: Sink;
const started: Started[] = [];
const clients: JournalClient[] = [];

before(async () => {
  nats = await startNats();
  sink = await startSink();
});
after(async () => {
  for (const c of clients) await c.close();
  for (const s of started.reverse()) await s.stop();
  await sink.close();
  await nats.stop();
});

const dep = { name: "order", eventSourceName: "orders", eventName: "created", filters: { data: [{ path: "body.amount", type: "number", comparator: ">", value: ["100"] }] } };

async function setup(ns: string, path: string, extra: Record<string, unknown> = {}) {
  const hook = await startWebhook(nats.url, ns, "orders", "created");
  started.push(hook);
  const trigger = { template: { name: "post", http: { url: `${sink.url}/${path}`, payload: [{ src: { dependencyName: "order", dataKey: "body.n" }, dest: "n" }] } }, ...extra };
  started.push(await startSensor(nats.url, ns, sensor("shop", { dependencies: [dep], triggers: [trigger] })));
  const client = await JournalClient.connect({ url: nats.url, namespace: ns, busName: "default" });
  clients.push(client);
  return { send: hook.send, client };
}

const calls = (path: string) => sink.received.filter((r) => r.path === `/${path}`);

describe("replay and redrive", () => {
  it("replays an event by id: fires again with a replay header and a fresh Idempotency-Key, marked in the journal", async () => {
    const { send, client } = await setup("by-id", "by-id");
    const id = await send({ amount: 200, n: 1 });
    await waitFor("the first firing", () => calls("by-id").length === 1);
    const r = await replayEvents(client, { sensor: "shop", ids: [id] });
    assert.deepEqual(r.items.map((i) => i.results.map((x) => x.status)), [["succeeded"]]);
    const [first, again] = calls("by-id");
    assert.equal(again!.headers["impulse-replay"], r.replayId);
    assert.equal(first!.headers["impulse-replay"], undefined);
    assert.notEqual(again!.headers["idempotency-key"], first!.headers["idempotency-key"]);
    const j = await waitFor("the replay's firing record", async () => {
      const j = await client.get(id);
      return j.records.some((x) => x.kind === "firing" && x.replay === r.replayId) ? j : undefined;
    });
    assert.equal(j.records.filter((x) => x.kind === "firing").length, 2);
  });

  it("with --respect-dedup keeps the window: the same events inside it are a duplicate", async () => {
    const { send, client } = await setup("dedup", "dedup");
    const id = await send({ amount: 200, n: 1 });
    await waitFor("the first firing", () => calls("dedup").length === 1);
    const r = await replayEvents(client, { sensor: "shop", ids: [id], respectDedup: true });
    assert.deepEqual(r.counts, { duplicate: 1 });
    assert.equal(calls("dedup").length, 1);
  });

  it("dry-runs a time range: what would fire, what is filtered and why; nothing is called", async () => {
    const { send, client } = await setup("dry", "dry");
    const since = new Date(Date.now() - 1000);
    await send({ amount: 5, n: 1 });
    await send({ amount: 500, n: 2 });
    await waitFor("the real firing", () => calls("dry").length === 1);
    const r = await replayEvents(client, { sensor: "shop", since, dryRun: true });
    assert.deepEqual(r.items.map((i) => i.results[0]!.status), ["filtered", "would-fire"]);
    assert.match(r.items[0]!.results[0]!.reasons![0]!, /body\.amount/);
    assert.deepEqual(r.items[1]!.results[0]!.resolved!.payload, { n: "2" });
    assert.equal(calls("dry").length, 1);
  });

  it("redrives a given-up firing once the target is fixed, and then has nothing left to redrive", async () => {
    const { send, client } = await setup("redrive", "redrive", { retryStrategy: { steps: 1 }, policy: { status: { allow: [200] } } });
    sink.respondWith(503);
    let id: string;
    try {
      id = await send({ amount: 300, n: 7 });
      await waitFor("the given-up firing", async () => (await client.get(id).catch(() => undefined))?.sensors[0]?.firing?.outcome === "given-up");
    } finally {
      sink.respondWith(200);
    }
    const r = await redriveFirings(client, { eventId: id });
    assert.deepEqual(r.firings.map((f) => [f.trigger, f.was, f.result?.status]), [["post", "given-up", "succeeded"]]);
    assert.equal(calls("redrive").at(-1)!.headers["impulse-replay"], r.replayId);
    await waitFor("the redrive's success in the journal", async () => (await client.get(id)).sensors[0]?.firing?.outcome === "succeeded");
    await assert.rejects(redriveFirings(client, { eventId: id }), (e: { code?: string }) => e.code === ErrorCodes.NotFound);
  });

  it("replays 2000 events with progress, firing each once", async () => {
    const { send, client } = await setup("bulk", "bulk");
    const since = new Date(Date.now() - 1000);
    const N = 2000;
    for (let i = 0; i < N; i += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => send({ amount: 200, n: i + k })));
    await waitFor("the live firings", () => calls("bulk").length === N, 120_000);
    const progress: number[] = [];
    const r = await replayEvents(client, { sensor: "shop", since, onProgress: (done, total) => progress.push(done === total ? -1 : done) });
    assert.deepEqual(r.counts, { succeeded: N });
    assert.equal(progress.length, N);
    assert.equal(progress.at(-1), -1, "the last report is complete");
    const replayed = calls("bulk").filter((c) => c.headers["impulse-replay"] === r.replayId);
    assert.equal(new Set(replayed.map((c) => (c.json as { n: string }).n)).size, N, "each event fired once more");
    assert.equal(replayed.length, N);
  });

  it("names a Sensor that is not running", async () => {
    const { send, client } = await setup("absent", "absent");
    const id = await send({ amount: 200, n: 1 });
    await assert.rejects(replayEvents(client, { sensor: "nobody", ids: [id] }), (e: { code?: string; message: string }) => e.code === ErrorCodes.NotFound && /Sensor nobody is not running/.test(e.message));
  });
});
