import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { DataFilter, EventDependency, ImpulseEvent } from "@impulse/api";
import { compileDataFilters } from "./data.js";
import { compileDependencyFilter } from "./index.js";

const ev = (data: unknown, over: Partial<ImpulseEvent> = {}): ImpulseEvent => ({
  specversion: "1.0", id: "1", source: "es", subject: "e", type: "webhook", time: "2026-01-01T00:00:00Z", datacontenttype: "application/json", data, ...over,
});
const f = (filters: DataFilter[], op?: string) => compileDataFilters(filters, op, "spec.dependencies[0].filters");

describe("data filters", () => {
  it("matches strings as unanchored regular expressions, any value passing", () => {
    const fl = f([{ path: "body.env", type: "string", value: ["^prod", "stag"] }]);
    assert.equal(fl(ev({ body: { env: "production" } })).pass, true);
    assert.equal(fl(ev({ body: { env: "my-staging" } })).pass, true);
    assert.equal(fl(ev({ body: { env: "dev" } })).pass, false);
  });
  it("with != passes when a value does not match", () => {
    const fl = f([{ path: "body.env", type: "string", value: ["prod"], comparator: "!=" }]);
    assert.equal(fl(ev({ body: { env: "dev" } })).pass, true);
    assert.equal(fl(ev({ body: { env: "prod" } })).pass, false);
  });
  it("compares numbers with every comparator, numeric strings included", () => {
    const at = (comparator: DataFilter["comparator"], v: unknown) => f([{ path: "n", type: "number", value: ["10"], comparator }])(ev({ n: v })).pass;
    assert.deepEqual([at(">", 11), at(">", 10), at(">=", 10), at("<", 9), at("<=", 10), at("=", "10.0"), at("!=", 3), at("", 10)], [true, false, true, true, true, true, true, true]);
  });
  it("compares booleans as Go ParseBool does", () => {
    const fl = f([{ path: "ok", type: "bool", value: ["true"] }]);
    assert.equal(fl(ev({ ok: true })).pass, true);
    assert.equal(fl(ev({ ok: "True" })).pass, true);
    assert.equal(fl(ev({ ok: false })).pass, false);
  });
  it("fails on a missing path with the reason, and combines with and/or", () => {
    const both = [
      { path: "a", type: "number" as const, value: ["1"] },
      { path: "b", type: "number" as const, value: ["2"] },
    ];
    const missing = f(both)(ev({ a: 1 }));
    assert.equal(missing.pass, false);
    assert.match(missing.reason!, /data path b not found/);
    assert.equal(f(both, "or")(ev({ a: 1 })).pass, true);
    assert.equal(f(both, "and")(ev({ a: 1, b: 2 })).pass, true);
  });
  it("rejects invalid specs at compile time with the path", () => {
    assert.throws(() => f([{ path: "a", type: "number", value: ["x"] }]), /value\[0\]: "x" is not a number/);
    assert.throws(() => f([{ path: "a", type: "string", value: ["("] }]), /invalid regular expression/);
    assert.throws(() => f([{ path: "a", type: "string", value: ["x"], comparator: ">" }]), /only = and !=/);
  });
});

describe("dependency filters", () => {
  const dep = (filters: EventDependency["filters"], op?: "and" | "or"): EventDependency => ({ name: "d", eventSourceName: "es", eventName: "e", filters, filtersLogicalOperator: op });
  it("combines data and context filters", () => {
    const fl = compileDependencyFilter(dep({ data: [{ path: "x", type: "number", value: ["1"] }], context: { type: "webhook" } }), "spec.dependencies[0]");
    assert.equal(fl(ev({ x: 1 })).pass, true);
    assert.equal(fl(ev({ x: 1 }, { type: "kafka" })).pass, false);
    const any = compileDependencyFilter(dep({ data: [{ path: "x", type: "number", value: ["1"] }], context: { type: "webhook" } }, "or"), "spec.dependencies[0]");
    assert.equal(any(ev({ x: 2 })).pass, true);
    assert.equal(any(ev({ x: 2 }, { type: "kafka" })).pass, false);
  });
  it("refuses filter kinds that are not implemented yet, naming them", () => {
    assert.throws(() => compileDependencyFilter(dep({ script: "return true" }), "spec.dependencies[3]"), /spec\.dependencies\[3\]\.filters\.script: script filters are not supported yet/);
  });
});
