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
    assert.throws(() => f([{ path: "a", type: "string", value: ["("] }]), /invalid RE2 regular expression/);
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
  it("leaves the script filter out of the synchronous filters (it runs in a Lua VM, see script.test.ts)", () => {
    const fl = compileDependencyFilter(dep({ script: "return false" }), "spec.dependencies[3]");
    assert.equal(fl(ev({})).pass, true);
  });
});

describe("expr filters", () => {
  const dep = (exprs: { expr: string; fields: { name: string; path: string }[] }[], exprLogicalOperator?: "and" | "or"): EventDependency => ({
    name: "d", eventSourceName: "es", eventName: "e", filters: { exprs, ...(exprLogicalOperator ? { exprLogicalOperator } : {}) },
  });
  const at = "spec.dependencies[0]";
  it("binds fields from paths and combines expressions", () => {
    const f = compileDependencyFilter(dep([{ expr: 'kind == "push" && n > 2', fields: [{ name: "kind", path: "body.kind" }, { name: "n", path: "body.count" }] }]), at);
    assert.equal(f(ev({ body: { kind: "push", count: 3 } })).pass, true);
    assert.equal(f(ev({ body: { kind: "push", count: 1 } })).pass, false);
    const missing = f(ev({ body: { kind: "push" } }));
    assert.equal(missing.error, true);
    assert.match(missing.reason!, /path body\.count \(field n\) not found/);
    const either = compileDependencyFilter(dep([{ expr: "a == 1", fields: [{ name: "a", path: "a" }] }, { expr: "b == 1", fields: [{ name: "b", path: "b" }] }], "or"), at);
    assert.equal(either(ev({ a: 0, b: 1 })).pass, true);
  });
  it("rejects a syntax error or an unbound name at compile time, naming the expression", () => {
    assert.throws(() => compileDependencyFilter(dep([{ expr: "a ==", fields: [{ name: "a", path: "a" }] }]), at), /spec\.dependencies\[0\]\.filters\.exprs\[0\]\.expr: expression ends too early/);
    assert.throws(() => compileDependencyFilter(dep([{ expr: "a == b", fields: [{ name: "a", path: "a" }] }]), at), /"b" not bound by fields/);
  });
  it("fails an expression that is not boolean at run time", () => {
    const f = compileDependencyFilter(dep([{ expr: "a", fields: [{ name: "a", path: "a" }] }]), at);
    assert.match(f(ev({ a: 2 })).reason!, /gave 2, not true or false/);
  });
  it("refuses at compile time an expression that can never be boolean", () => {
    assert.throws(() => compileDependencyFilter(dep([{ expr: "a >> 5", fields: [{ name: "a", path: "a" }] }]), at), /exprs\[0\]\.expr: gives a number \(operator >>\), never true or false/);
  });
});

describe("data filter templates", () => {
  it("compares the template's output over the value's string form", () => {
    const fl = f([{ path: "body.raw", type: "string", value: ["^HELLO$"], template: "{{ b64dec .Input | upper }}" }]);
    assert.equal(fl(ev({ body: { raw: Buffer.from("hello").toString("base64") } })).pass, true);
    const num = f([{ path: "body.price", type: "number", comparator: ">", value: ["10"], template: "{{ trimPrefix \"$\" .Input }}" }]);
    assert.equal(num(ev({ body: { price: "$12.5" } })).pass, true);
  });
  it("fails with an error when the template gives nothing", () => {
    const r = f([{ path: "body", type: "string", value: ["x"], template: "{{ .Input.nothing }}" }])(ev({ body: "s" }));
    assert.equal(r.pass, false);
    assert.equal(r.error, true);
  });
  it("reports a template syntax error at compile time with its path", () => {
    assert.throws(() => f([{ path: "a", type: "string", value: ["x"], template: "{{ if }}" }]), /data\[0\]\.template: /);
  });
});

it("lets events without data through exprs, as Argo does", () => {
  const fl = compileDependencyFilter({ name: "d", eventSourceName: "es", eventName: "e", filters: { exprs: [{ expr: "a == 1", fields: [{ name: "a", path: "a" }] }] } }, "x");
  assert.equal(fl(ev(null)).pass, true);
});
