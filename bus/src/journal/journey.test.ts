import assert from "node:assert/strict";
import { test } from "node:test";
import type { StoredJournalRecord } from "@impulse/api";
import { buildJourney, RowBuilder } from "./journey.js";

const at = "2026-01-01T00:00:00.000Z";
const base = { time: at, eventId: "e1", source: "orders", event: "created" };
const records: StoredJournalRecord[] = [
  { ...base, kind: "ingest", type: "webhook", eventTime: at, size: 10, sequence: 7, seq: 1 },
  { ...base, kind: "dependency", sensor: "s", trigger: "a", dependency: "d", matched: false, reason: "data path body.x not found", seq: 2 },
  { ...base, kind: "dependency", sensor: "s", trigger: "b", dependency: "d", matched: true, seq: 3 },
  { ...base, kind: "attempt", sensor: "s", trigger: "b", ranTrigger: "b", attempt: 1, durationMs: 2, ok: false, error: "HTTP 500", seq: 4 },
  { ...base, kind: "attempt", sensor: "s", trigger: "b", ranTrigger: "b", attempt: 2, durationMs: 2, ok: true, result: "HTTP 200", seq: 5 },
  { ...base, kind: "firing", sensor: "s", trigger: "b", outcome: "succeeded", triggerKind: "http", idempotencyKey: "k", events: { d: "e1" }, attempts: 2, durationMs: 9, deliveryCount: 1, seq: 6 },
];

test("rows: one per ingest, one per event × trigger with its latest status and the reasons of a filter", () => {
  const b = new RowBuilder();
  for (const r of records) b.add(r);
  assert.deepEqual(
    b.rows.map((r) => [r.eventId, r.sensor ?? "-", r.trigger ?? "-", r.status ?? "stored", r.seq]),
    [["e1", "-", "-", "stored", 1], ["e1", "s", "a", "filtered", 2], ["e1", "s", "b", "succeeded", 6]],
  );
  assert.deepEqual(b.rows[1]!.reasons, ["d: data path body.x not found"]);
});

test("journey: records grouped per trigger in order, attempts and outcome kept", () => {
  const j = buildJourney("e1", records);
  assert.equal(j.ingest[0]!.sequence, 7);
  assert.deepEqual(j.sensors.map((t) => t.trigger), ["a", "b"]);
  assert.deepEqual(j.sensors[1]!.attempts.map((a) => [a.attempt, a.ok]), [[1, false], [2, true]]);
  assert.equal(j.sensors[1]!.firing!.outcome, "succeeded");
  assert.equal(j.sensors[0]!.firing, undefined);
});

test("journey: a firing without verdict records of its own (it followed its match at once) shows its dependencies as matched", () => {
  const firing = records[5] as Extract<StoredJournalRecord, { kind: "firing" }>;
  const j = buildJourney("e1", [records[0]!, { ...firing, events: { d: "e1", other: "e0" } }]);
  assert.deepEqual(j.sensors[0]!.dependencies, [{ name: "d", matched: true, time: at }]);
  // With its own verdict record, that one is kept and nothing is added.
  assert.deepEqual(buildJourney("e1", records).sensors[1]!.dependencies.map((d) => d.name), ["d"]);
});
