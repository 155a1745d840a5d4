// Conditions: Ready summarises the others, transition times only move on a status change, changes are reported once.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { changedConditions, mergeConditions, withReady } from "./conditions.js";

const t0 = new Date("2025-01-01T00:00:00.123Z");
const t1 = new Date("2025-01-01T00:05:00Z");

describe("conditions", () => {
  it("Ready is True only when every other condition is, else it carries the first failure", () => {
    const ok = withReady([{ type: "Deployed", status: "True", reason: "Deployed", message: "" }], { reason: "Available", message: "1/1" });
    assert.deepEqual(ok[0], { type: "Ready", status: "True", reason: "Available", message: "1/1" });
    const bad = withReady(
      [
        { type: "BusReady", status: "False", reason: "EventBusNotFound", message: "no EventBus default" },
        { type: "Deployed", status: "Unknown", reason: "WaitingForEventBus", message: "" },
      ],
      { reason: "Available", message: "" },
    );
    assert.deepEqual(bad[0], { type: "Ready", status: "False", reason: "EventBusNotFound", message: "no EventBus default" });
  });

  it("keeps lastTransitionTime while the status holds, stamps observedGeneration, keeps conditions not recomputed", () => {
    const first = mergeConditions(undefined, [{ type: "Ready", status: "False", reason: "A", message: "" }, { type: "Deployed", status: "True", reason: "D", message: "" }], 1, t0);
    assert.equal(first[0]!.lastTransitionTime, "2025-01-01T00:00:00Z");
    assert.equal(first[0]!.observedGeneration, 1);
    const second = mergeConditions(first, [{ type: "Ready", status: "False", reason: "B", message: "other" }], 2, t1);
    assert.equal(second[0]!.lastTransitionTime, "2025-01-01T00:00:00Z");
    assert.equal(second[0]!.reason, "B");
    assert.equal(second[1]!.type, "Deployed");
    const third = mergeConditions(second, [{ type: "Ready", status: "True", reason: "C", message: "" }], 2, t1);
    assert.equal(third[0]!.lastTransitionTime, "2025-01-01T00:05:00Z");
  });

  it("reports a change of status or reason, not of message alone", () => {
    const before = mergeConditions(undefined, [{ type: "Ready", status: "False", reason: "Progressing", message: "0/2" }], 1, t0);
    const sameReason = mergeConditions(before, [{ type: "Ready", status: "False", reason: "Progressing", message: "1/2" }], 1, t1);
    assert.deepEqual(changedConditions(before, sameReason), []);
    const ready = mergeConditions(before, [{ type: "Ready", status: "True", reason: "Available", message: "2/2" }], 1, t1);
    assert.deepEqual(changedConditions(before, ready).map((c) => [c.before?.status, c.after.status]), [["False", "True"]]);
  });
});
