import assert from "node:assert/strict";
import { test } from "node:test";
import { queryFilter } from "./query.js";

test("a plain list reads ingest records; a Sensor or an outcome reads that Sensor's records", () => {
  assert.deepEqual(queryFilter({ source: "orders" }), { source: "orders", kinds: ["ingest", "reject"] });
  assert.deepEqual(queryFilter({ sensor: "s" }), { sensor: "s", kinds: ["dependency", "condition", "firing"] });
  assert.deepEqual(queryFilter({ outcome: "failed" }), { kinds: ["firing"], outcomes: ["dead-lettered", "given-up", "dlq-failed"] });
  assert.deepEqual(queryFilter({ outcome: "waiting", trigger: "t" }), { trigger: "t", kinds: ["condition"], outcomes: ["waiting"] });
  assert.deepEqual(queryFilter({ outcome: "filtered" }), { kinds: ["dependency"], outcomes: ["filtered"] });
  // A match that fired at once is told by its firing record alone.
  assert.deepEqual(queryFilter({ outcome: "matched" }), { kinds: ["dependency", "firing"], outcomes: ["matched", "succeeded", "dead-lettered", "given-up", "dlq-failed", "duplicate"] });
});

test("firings only (the API's /firings): every outcome, or the one asked for", () => {
  assert.deepEqual(queryFilter({ firings: true, sensor: "s" }), { sensor: "s", kinds: ["firing"] });
  assert.deepEqual(queryFilter({ firings: true, outcome: "dlq" }), { kinds: ["firing"], outcomes: ["dead-lettered", "dlq-failed"] });
});
