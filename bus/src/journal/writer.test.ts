import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";
import type { JournalRecord } from "@impulse/api";
import type { NatsConnection } from "@nats-io/transport-node";
import { idBucket } from "./subjects.js";
import { JOURNAL_FLUSH_MS, NatsJournalWriter } from "./writer.js";

const scope = { namespace: "local", busName: "default" };

/** Only what the writer uses of a connection: publish, and whether it is closed or draining. */
function connection() {
  const sent: { subject: string; record: JournalRecord }[] = [];
  const state = { closed: false };
  const nc = {
    publish: (subject: string, data: Uint8Array) => void sent.push({ subject, record: JSON.parse(new TextDecoder().decode(data)) }),
    isClosed: () => state.closed,
    isDraining: () => false,
  } as unknown as NatsConnection;
  return { nc, sent, state };
}

const ingest = (eventId: string): JournalRecord => ({ kind: "ingest", time: "t", eventId, source: "hook", event: "e", type: "webhook", eventTime: "t", size: 1 });

test("records go out together, one batch after the first is queued, never while the caller waits", async () => {
  const { nc, sent } = connection();
  const w = new NatsJournalWriter(nc, scope);
  w.append(ingest("a"));
  w.append(ingest("b"));
  assert.equal(sent.length, 0, "appending sends nothing by itself");
  await sleep(JOURNAL_FLUSH_MS * 3);
  assert.deepEqual(sent.map((s) => s.record.eventId), ["a", "b"]);
  assert.equal(sent[0]!.subject, `impulse-journal.local.default.ingest.${idBucket("a")}.hook.e.-.-.stored`);
});

test("a large batch is sent at once, and flush() sends what is queued (the bus calls it before closing)", () => {
  const { nc, sent } = connection();
  const w = new NatsJournalWriter(nc, scope);
  for (let i = 0; i < 512; i++) w.append(ingest(`e${i}`));
  assert.equal(sent.length, 512, "the 512th record flushed the batch");
  w.append(ingest("last"));
  w.flush();
  assert.equal(sent.at(-1)!.record.eventId, "last");
});

test("while the bus is away a batch is dropped, not buffered next to events, and the drops are told once it is back", () => {
  const { nc, sent } = connection();
  const drops: number[] = [];
  let up = false;
  const w = new NatsJournalWriter(nc, scope, (n) => drops.push(n), () => up);
  w.append(ingest("x"));
  w.append(ingest("y"));
  w.flush();
  w.append(ingest("z"));
  w.flush();
  assert.equal(sent.length, 0);
  assert.deepEqual(drops, [], "no report per batch while away");
  up = true;
  w.append(ingest("back"));
  w.flush();
  assert.deepEqual(sent.map((s) => s.record.eventId), ["back"]);
  assert.deepEqual(drops, [3]);
});

test("a firing of events in several buckets is written once per bucket, so each event's id finds it", () => {
  const { nc, sent } = connection();
  const w = new NatsJournalWriter(nc, scope);
  const ids = ["e1", "e2", "e3"];
  w.append({ kind: "firing", time: "t", eventId: "e1", source: "hook", event: "e", sensor: "s", trigger: "t", outcome: "succeeded", triggerKind: "http", idempotencyKey: "k", events: { a: "e1", b: "e2", c: "e3" }, attempts: 1, durationMs: 1, deliveryCount: 1 });
  w.flush();
  const buckets = new Set(ids.map(idBucket));
  assert.equal(sent.length, buckets.size);
  assert.deepEqual(new Set(sent.map((s) => s.subject.split(".")[4])), buckets);
});
