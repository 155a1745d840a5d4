import assert from "node:assert/strict";
import { it } from "node:test";
import { allOf, dependencyNames, evaluate, needsState, parseConditions } from "./parse.js";

const deps = ["dep-a", "dep-b", "c"];
const ok = (text: string, have: string[]) => evaluate(parseConditions(text, deps, "t"), new Set(have));

it("evaluates &&, || and parentheses with && binding tighter", () => {
  assert.equal(ok("dep-a && dep-b", ["dep-a"]), false);
  assert.equal(ok("dep-a && dep-b", ["dep-a", "dep-b"]), true);
  assert.equal(ok("dep-a || dep-b && c", ["dep-a"]), true);
  assert.equal(ok("(dep-a || dep-b) && c", ["dep-a"]), false);
  assert.equal(ok("(dep-a || dep-b) && c", ["dep-b", "c"]), true);
});

it("treats - and _ alike and lists the dependencies used", () => {
  assert.deepEqual(dependencyNames(parseConditions("dep_a || (dep-b && dep_b)", deps, "t")), ["dep-a", "dep-b"]);
});

it("knows when a condition needs state across events", () => {
  assert.equal(needsState(parseConditions("dep-a || dep-b", deps, "t")), false);
  assert.equal(needsState(parseConditions("dep-a && dep-b", deps, "t")), true);
  assert.equal(needsState(parseConditions("dep-a || (dep-b && c)", deps, "t")), true);
  assert.equal(needsState(allOf(["x"])), false);
  assert.equal(needsState(allOf(["x", "y"])), true);
});

it("names syntax errors and unknown dependencies with the path", () => {
  assert.throws(() => parseConditions("dep-a &&", deps, "spec.triggers[0].template"), /spec\.triggers\[0\]\.template\.conditions: ends too early/);
  assert.throws(() => parseConditions("(dep-a || c", deps, "t"), /missing \)/);
  assert.throws(() => parseConditions("dep-a & c", deps, "t"), /unexpected "&"/);
  assert.throws(() => parseConditions("dep-a || zz", deps, "t"), /unknown dependency "zz"/);
  assert.throws(() => parseConditions("!dep-a", deps, "t"), /unexpected "!"/);
});
