// The firing record's text form: round trip, and the form written before records had states.
import assert from "node:assert/strict";
import { it } from "node:test";
import { recordOf, recordValue } from "./firing-record.js";

it("reads back what it wrote", () => {
  for (const state of ["started", "done", "failed"] as const) {
    assert.deepEqual(recordOf(recordValue({ state, at: 1700000000123, owner: "a1b2" })), { state, at: 1700000000123, owner: "a1b2" });
  }
});

it("reads an older bare timestamp as done: it was written only after the firing succeeded", () => {
  assert.deepEqual(recordOf(new TextEncoder().encode("1700000000123")), { state: "done", at: 1700000000123, owner: "" });
});

it("reads an unreadable value as started, so the firing runs again flagged rather than being skipped", () => {
  assert.equal(recordOf(new TextEncoder().encode("garbage")).state, "started");
  assert.equal(recordOf(new Uint8Array()).state, "started");
});
