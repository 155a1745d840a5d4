import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ImpulseEvent, Sensor } from "@impulse/api";
import { compileSensor } from "../compile.js";
import { compileTemplate } from "../template/index.js";
import { compileDataFilters } from "./data.js";
import { compileExprFilters } from "./exprs.js";

// `^(a+)+$` backtracks exponentially in JavaScript's RegExp: on 10,000 characters it would never return.
const EVIL = "^(a+)+$";
const LONG = "a".repeat(10_000) + "!";
const ev = (data: unknown): ImpulseEvent => ({
  specversion: "1.0", id: "1", source: "es", subject: "e", type: "webhook", time: "2026-01-01T00:00:00Z", datacontenttype: "application/json", data,
});

describe("user regexes cannot stall the sensor (RE2)", () => {
  it("data filters", () => {
    const f = compileDataFilters([{ path: "body.s", type: "string", value: [EVIL] }], undefined, "spec.dependencies[0].filters");
    const r = f(ev({ body: { s: LONG } }));
    assert.equal(r.pass, false);
    assert.match(r.reason!, /did not match/);
    assert.equal(f(ev({ body: { s: "aaaa" } })).pass, true);
  });

  it("exprs =~ with the pattern from the event", () => {
    const f = compileExprFilters([{ expr: "s =~ p", fields: [{ name: "s", path: "s" }, { name: "p", path: "p" }] }], undefined, "at");
    assert.equal(f(ev({ s: LONG, p: EVIL })).pass, false);
    assert.equal(f(ev({ s: "AB", p: "(?i)^ab$" })).pass, true);
  });

  it("template regex functions", () => {
    const t = compileTemplate(`{{ regexMatch "${EVIL}" .Input }} {{ regexFind "a+!" .Input | len }} {{ regexReplaceAll "(?P<x>a+)!" .Input "${"${x}"}?" | len }}`);
    assert.equal(t({ Input: LONG }), "false 10001 10001");
    assert.equal(compileTemplate(`{{ regexReplaceAll "(\\\\w+)@(\\\\w+)" .Input "$2 at $1" }}`)({ Input: "me@host" }), "host at me");
    assert.equal(compileTemplate(`{{ regexSplit "[,;]" .Input -1 | len }} {{ regexFindAll "\\\\pL+" .Input 2 }}`)({ Input: "é,b;c" }), "3 [é b]");
  });

  it("lint: a pattern RE2 cannot compile is an error with its path", () => {
    const sensor = (over: Record<string, unknown>) =>
      ({
        apiVersion: "impulse.dev/v1alpha1", kind: "Sensor", metadata: { name: "s" },
        spec: { eventBusName: "default", dependencies: [{ name: "d", eventSourceName: "es", eventName: "e", ...over }], triggers: [{ template: { name: "t", log: {} } }] },
      }) as unknown as Sensor;
    const expr = compileSensor(sensor({ filters: { exprs: [{ expr: 'a =~ "(?=x)"', fields: [{ name: "a", path: "a" }] }] } }));
    assert.deepEqual(expr.errors.map((e) => e.path), ["spec.dependencies[0].filters.exprs[0].expr"]);
    assert.match(expr.errors[0]!.message, /invalid RE2 regular expression/);
    const tpl = compileSensor(sensor({ filters: { data: [{ path: "a", type: "string", value: ["x"], template: '{{ regexFind "a{2,1}" .Input }}' }] } }));
    assert.deepEqual(tpl.errors.map((e) => e.path), ["spec.dependencies[0].filters.data[0].template"]);
    assert.match(tpl.errors[0]!.message, /regexFind "a\{2,1\}": invalid RE2 regular expression: invalid repeat count/);
  });
});
