// Argo Events' trigger condition cases (dependency expressions, - and _ alike), restated as tables for Impulse.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { allOf, dependencyNames, evaluate, needsState, parseConditions } from "./parse.js";

describe("the dependency expression of a trigger (Argo: TestGetDependencyExpression)", () => {
  // Argo builds the expression from `conditions`, or ANDs every dependency when there is none.
  const cases: { name: string; deps: string[]; conditions?: string; uses: string[] }[] = [
    { name: "one dependency, no conditions: that dependency", deps: ["dep1"], uses: ["dep1"] },
    { name: "two dependencies, no conditions: both", deps: ["dep1", "dep2"], uses: ["dep1", "dep2"] },
    { name: "three dependencies, no conditions: all", deps: ["dep1", "dep1a", "dep2"], uses: ["dep1", "dep1a", "dep2"] },
    { name: "conditions name a subset; - in the text finds the dependency spelt with _", deps: ["dep-1", "dep_1a", "dep-2", "dep-3"], conditions: "dep-1 || dep-1a || dep-3", uses: ["dep-1", "dep_1a", "dep-3"] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const tree = c.conditions === undefined ? allOf(c.deps) : parseConditions(c.conditions, c.deps, "spec.triggers[0].template");
      assert.deepEqual(dependencyNames(tree), c.uses);
    });
  }
});

describe("evaluating conditions against the dependencies that have events (Argo: docs/sensors/trigger-conditions.md)", () => {
  const deps = ["dep01", "dep02", "dep03", "dep-04"];
  const cases: { name: string; conditions: string; have: string[]; fires: boolean }[] = [
    { name: "|| fires on either", conditions: "dep01 || dep02", have: ["dep02"], fires: true },
    { name: "&& waits for both", conditions: "dep01 && dep02", have: ["dep01"], fires: false },
    { name: "&& fires when both are there", conditions: "dep01 && dep02", have: ["dep01", "dep02"], fires: true },
    { name: "&& binds tighter than ||", conditions: "dep01 || dep02 && dep03", have: ["dep01"], fires: true },
    { name: "parentheses group before &&", conditions: "(dep01 || dep02) && dep03", have: ["dep01"], fires: false },
    { name: "parentheses group, satisfied", conditions: "(dep01 || dep02) && dep03", have: ["dep02", "dep03"], fires: true },
    { name: "the documentation's example, first branch", conditions: "dep01 || (dep02 && dep03)", have: ["dep01"], fires: true },
    { name: "the documentation's example, second branch half done", conditions: "dep01 || (dep02 && dep03)", have: ["dep02"], fires: false },
    { name: "a name with _ matches the dependency spelt with -", conditions: "dep_04 && dep01", have: ["dep-04", "dep01"], fires: true },
    { name: "nested parentheses", conditions: "((dep01 && dep02) || (dep03 && dep-04))", have: ["dep03", "dep-04"], fires: true },
    { name: "events of dependencies not in the conditions do not count", conditions: "dep01", have: ["dep02", "dep03"], fires: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(evaluate(parseConditions(c.conditions, deps, "t"), new Set(c.have)), c.fires);
    });
  }
  it("without conditions every dependency is needed (Argo's default AND)", () => {
    const tree = allOf(deps);
    assert.equal(evaluate(tree, new Set(deps.slice(0, 3))), false);
    assert.equal(evaluate(tree, new Set(deps)), true);
  });
});

describe("whether a trigger must keep events between firings", () => {
  // Argo's Kafka bus treats an expression without && as "one and done": any single event fires it, nothing is kept.
  const deps = ["a", "b", "c"];
  const cases: { name: string; conditions: string; stateful: boolean }[] = [
    { name: "a single dependency", conditions: "a", stateful: false },
    { name: "only ||", conditions: "a || b || c", stateful: false },
    { name: "&& anywhere", conditions: "a && b", stateful: true },
    { name: "&& in one branch of ||", conditions: "a || (b && c)", stateful: true },
    // Own case: Argo looks for an && token; Impulse asks whether one event can fire the trigger alone.
    { name: "&& of the same dependency twice needs no state", conditions: "a && a", stateful: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(needsState(parseConditions(c.conditions, deps, "t")), c.stateful);
    });
  }
});

describe("invalid conditions are refused with the field's path", () => {
  // Argo fails these when the sensor starts (govaluate parse errors); Impulse also names the field.
  const cases: { name: string; conditions: string; error: RegExp }[] = [
    { name: "an unknown dependency", conditions: "a || nope", error: /unknown dependency "nope"/ },
    { name: "a dangling operator", conditions: "a ||", error: /ends too early/ },
    { name: "an unclosed parenthesis", conditions: "(a && b", error: /missing \)/ },
    { name: "a stray closing parenthesis", conditions: "a && b)", error: /unexpected \)/ },
    { name: "a single &", conditions: "a & b", error: /unexpected "&"/ },
    { name: "two names without an operator", conditions: "a b", error: /unexpected b/ },
    { name: "an empty string", conditions: "   ", error: /is empty/ },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.throws(() => parseConditions(c.conditions, ["a", "b"], "spec.triggers[0].template"), (e: Error) => /spec\.triggers\[0\]\.template\.conditions: /.test(e.message) && c.error.test(e.message));
    });
  }
});
