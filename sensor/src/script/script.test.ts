import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { ImpulseEvent } from "@impulse/api";
import { withScriptFilter } from "../filters/index.js";
import { PASS } from "../filters/types.js";
import { compileTransform } from "../transform.js";
import { JqProgram, LuaScript } from "./sandbox.js";

const ev = (data: unknown): ImpulseEvent => ({ specversion: "1.0", id: "1", source: "s", subject: "e", type: "t", time: "2026-01-01T00:00:00Z", datacontenttype: "application/json", data });

describe("Lua scripts", () => {
  it("passes the script filter only when the script returns true", async () => {
    const f = withScriptFilter(undefined, new LuaScript('return event.body.kind == "push" and #event.body.commits > 0'), false);
    assert.equal((await f(ev({ body: { kind: "push", commits: [1] } }))).pass, true);
    const no = await f(ev({ body: { kind: "push", commits: [] } }));
    assert.equal(no.pass, false);
    assert.match(no.reason!, /script returned false/);
  });
  it("combines with the other filters by filtersLogicalOperator", async () => {
    const failing = () => ({ pass: false, reason: "data did not match" });
    const script = new LuaScript("return true");
    assert.equal((await withScriptFilter(failing, script, false)(ev({}))).pass, false, "and: a failed filter decides");
    assert.equal((await withScriptFilter(failing, script, true)(ev({}))).pass, true, "or: the script can pass alone");
    assert.equal((await withScriptFilter(() => PASS, new LuaScript("return false"), true)(ev({}))).pass, true, "or: a passing filter decides");
  });
  it("reports script errors, syntax errors and runaway scripts without hanging", async () => {
    const err = await withScriptFilter(undefined, new LuaScript("error('boom')"), false)(ev({}));
    assert.equal(err.error, true);
    assert.match(err.reason!, /script failed: .*boom/);
    assert.match((await new LuaScript("return (").syntaxError())!, /unexpected symbol/);
    await assert.rejects(new LuaScript("while true do end", 100).run({}), /stopped after 100 ms/);
  });
  it("gives scripts no host access", async () => {
    assert.equal(await new LuaScript("return os == nil and io == nil and require == nil").run({}), true);
  });
});

describe("transforms", () => {
  it("applies jq and keeps its first output, which must be an object", async () => {
    const { transform } = compileTransform({ name: "d", eventSourceName: "s", eventName: "e", transform: { jq: ".body.x *= 2" } });
    assert.deepEqual(await transform!({ body: { x: 21 } }), { body: { x: 42 } });
    const bad = compileTransform({ name: "d", eventSourceName: "s", eventName: "e", transform: { jq: ".body.x" } });
    await assert.rejects(bad.transform!({ body: { x: 1 } }), /must produce an object/);
    await assert.rejects(new JqProgram(".[[").run({}), /syntax error/);
    assert.match((await new JqProgram(".[[").syntaxError())!, /syntax error/);
    assert.equal(await new JqProgram(".body.x *= 2").syntaxError(), undefined);
    await assert.rejects(new JqProgram("[repeat(1)]", 200).run({}), /stopped after 200 ms/);
  });
  it("applies a Lua transform that returns the new data", async () => {
    const { transform } = compileTransform({ name: "d", eventSourceName: "s", eventName: "e", transform: { script: "event.body.name = string.upper(event.body.name); return event" } });
    assert.deepEqual(await transform!({ body: { name: "ada" } }), { body: { name: "ADA" } });
  });
  it("turns a table marked with Argo's __is_array metatable into an array, even an empty one", async () => {
    const script = new LuaScript(`
      event.env = setmetatable({}, { __is_array = true })
      event.nested = { tags = setmetatable({ "a", { deep = setmetatable({}, { __is_array = true }) } }, { __is_array = true }) }
      event.plain = {}
      return event`);
    assert.deepEqual(await script.run({ env: 123 }), { env: [], nested: { tags: ["a", { deep: [] }] }, plain: {} }, "an unmarked empty table stays an object, as in Argo");
  });
  it("gives Lua plain tables (pairs works) and leaves JSON nulls out, as Argo does", async () => {
    const count = new LuaScript("local n = 0; for k, v in pairs(event.body) do n = n + 1 end; event.count = n; return event");
    assert.deepEqual(await count.run({ body: { a: 1, b: null, c: [1, null, 2] } }), { body: { a: 1, c: [1, 2] }, count: 2 });
  });
});
