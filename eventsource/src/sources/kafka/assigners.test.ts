import assert from "node:assert/strict";
import { it } from "node:test";
import { rangePlan, roundRobinPlan, singlePartitionPlan } from "./assigners.js";

const asObject = (m: Map<string, number[]>) => Object.fromEntries(m);

it("range gives consecutive blocks, the first members one extra", () => {
  assert.deepEqual(asObject(rangePlan(["a", "b"], [0, 1, 2])), { a: [0, 1], b: [2] });
  assert.deepEqual(asObject(rangePlan(["a", "b", "c"], [0, 1])), { a: [0], b: [1], c: [] });
});

it("round-robin deals partitions in turn", () => {
  assert.deepEqual(asObject(roundRobinPlan(["a", "b"], [0, 1, 2, 3, 4])), { a: [0, 2, 4], b: [1, 3] });
});

it("partition mode hands the one partition to one member only", () => {
  assert.deepEqual(asObject(singlePartitionPlan(2)(["a", "b"], [0, 1, 2])), { a: [2], b: [] });
  assert.deepEqual(asObject(singlePartitionPlan(9)(["a"], [0, 1])), { a: [] });
});
