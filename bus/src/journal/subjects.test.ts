import assert from "node:assert/strict";
import { test } from "node:test";
import { compactRecord, filterSubjects, idBucket, recordFromSubject, recordOfEvent, recordSubject } from "./subjects.js";

const scope = { namespace: "local", busName: "default" };

test("a firing's subject carries its sensor, trigger and outcome; odd names are encoded", () => {
  const s = recordSubject(scope, {
    kind: "firing", time: "", eventId: "e1", source: "web.hook", event: "my event", sensor: "s", trigger: "t", outcome: "given-up",
    triggerKind: "http", idempotencyKey: "k", events: { d: "e1" }, attempts: 3, durationMs: 1, deliveryCount: 1,
  });
  assert.equal(s, "impulse-journal.local.default.firing.4b19.web%2Ehook.my%20event.s.t.given-up");
});

test("filters: unset tokens are wildcards, several outcomes give several subjects", () => {
  assert.deepEqual(filterSubjects(scope, { kinds: ["firing"], sensor: "s", outcomes: ["given-up", "dead-lettered"] }), [
    "impulse-journal.local.default.firing.*.*.*.s.*.given-up",
    "impulse-journal.local.default.firing.*.*.*.s.*.dead-lettered",
  ]);
  // By id: its bucket, and the id itself (records written before buckets).
  assert.deepEqual(filterSubjects(scope, { eventId: "e1" }), ["impulse-journal.local.default.*.4b19.*.*.*.*.*", "impulse-journal.local.default.*.e1.*.*.*.*.*"]);
  assert.deepEqual(filterSubjects(scope, { eventId: "4b19" }).length, idBucket("4b19") === "4b19" ? 1 : 2);
});

test("an id's bucket is part of the stored format: these values must never change", () => {
  assert.equal(idBucket("e1"), "4b19");
  assert.equal(idBucket("7c1e6a0e-3b7a-4d8e-9f4e-2f1a3c5b6d7e"), "853d");
  assert.equal(idBucket(""), "1cd9");
});

test("a bucket's records are kept for an id only when they tell about it; a firing, when one of its events is it", () => {
  const base = { time: "", source: "s", event: "e" };
  assert.equal(recordOfEvent({ ...base, kind: "ingest", eventId: "a", type: "t", eventTime: "", size: 1 }, "a"), true);
  assert.equal(recordOfEvent({ ...base, kind: "ingest", eventId: "b", type: "t", eventTime: "", size: 1 }, "a"), false);
  const firing = { ...base, kind: "firing" as const, eventId: "a", sensor: "x", trigger: "y", outcome: "succeeded" as const, triggerKind: "http", idempotencyKey: "k", events: { d1: "a", d2: "c" }, attempts: 1, durationMs: 1, deliveryCount: 1 };
  assert.equal(recordOfEvent(firing, "c"), true);
  assert.equal(recordOfEvent(firing, "b"), false);
});

test("a record's payload leaves out what its subject carries; the subject gives it back", () => {
  const r = { kind: "dependency" as const, time: "2026-01-01T00:00:00.000Z", eventId: "e1", source: "web.hook", event: "created", sensor: "s", trigger: "t", dependency: "d", matched: false, reason: "no" };
  const payload = compactRecord(r);
  assert.deepEqual(payload, { eventId: "e1", dependency: "d", matched: false, reason: "no" });
  assert.deepEqual({ ...recordFromSubject(recordSubject(scope, r)), time: r.time, ...payload }, r);
  // A reject (no sensor, no trigger) gets none back.
  assert.deepEqual(recordFromSubject(recordSubject(scope, { kind: "reject", time: "", eventId: "", source: "hook", event: "e", reason: "401", count: 1 })), { kind: "reject", source: "hook", event: "e" });
});
