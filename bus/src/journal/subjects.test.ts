import assert from "node:assert/strict";
import { test } from "node:test";
import { filterSubjects, recordSubject } from "./subjects.js";

const scope = { namespace: "local", busName: "default" };

test("a firing's subject carries its sensor, trigger and outcome; odd names are encoded", () => {
  const s = recordSubject(scope, {
    kind: "firing", time: "", eventId: "e1", source: "web.hook", event: "my event", sensor: "s", trigger: "t", outcome: "given-up",
    triggerKind: "http", idempotencyKey: "k", events: { d: "e1" }, attempts: 3, durationMs: 1, deliveryCount: 1,
  });
  assert.equal(s, "impulse-journal.local.default.firing.e1.web%2Ehook.my%20event.s.t.given-up");
});

test("filters: unset tokens are wildcards, several outcomes give several subjects", () => {
  assert.deepEqual(filterSubjects(scope, { kinds: ["firing"], sensor: "s", outcomes: ["given-up", "dead-lettered"] }), [
    "impulse-journal.local.default.firing.*.*.*.s.*.given-up",
    "impulse-journal.local.default.firing.*.*.*.s.*.dead-lettered",
  ]);
  assert.deepEqual(filterSubjects(scope, { eventId: "e1" }), ["impulse-journal.local.default.*.e1.*.*.*.*.*"]);
});
