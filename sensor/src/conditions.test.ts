import assert from "node:assert/strict";
import { it } from "node:test";
import { triggerDependencies } from "./conditions.js";

it("selects the dependencies named in || conditions, treating - and _ alike", () => {
  assert.deepEqual(triggerDependencies("(dep-a || dep_b)", ["dep-a", "dep-b", "c"], "t"), ["dep-a", "dep-b"]);
  assert.deepEqual(triggerDependencies(undefined, ["only"], "t"), ["only"]);
});

it("names what is not supported yet and unknown dependencies", () => {
  assert.throws(() => triggerDependencies("a && b", ["a", "b"], "spec.triggers[0].template"), /spec\.triggers\[0\]\.template\.conditions: && is not supported yet/);
  assert.throws(() => triggerDependencies(undefined, ["a", "b"], "t"), /set conditions: "a \|\| b"/);
  assert.throws(() => triggerDependencies("a || zz", ["a"], "t"), /unknown dependency "zz"/);
});
