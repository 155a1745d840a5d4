import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileEventFilter } from "./filter-expression.js";

const webhookData = { header: { "X-Tenant": ["acme"] }, body: { id: 4, name: "Ann", tags: ["a", "b"], "dotted-key": true } };

describe("compileEventFilter (filter.expression)", () => {
  it("reads paths into the data, as Argo's documented example", () => {
    const f = compileEventFilter("(body.id == 4) && (body.name != 'Joe')");
    assert.deepEqual(f(webhookData), { pass: true });
    assert.equal(f({ body: { id: 5, name: "Ann" } }).pass, false);
  });
  it("understands expr's word operators and regex matching", () => {
    assert.equal(compileEventFilter("body.id > 3 and not (body.name matches '^J')")(webhookData).pass, true);
    assert.equal(compileEventFilter("body.id < 3 or body.name == 'Ann'")(webhookData).pass, true);
    assert.equal(compileEventFilter("body.name in ('Bob', 'Joe')")(webhookData).pass, false);
  });
  it("lets a top-level key's '-' be written '_'", () => {
    const f = compileEventFilter("x_request_id == 'r1'");
    assert.equal(f({ "x-request-id": "r1" }).pass, true);
  });
  it("drops, with a reason, an event the expression cannot be evaluated on", () => {
    const r = compileEventFilter("body.missing == 1")(webhookData);
    assert.equal(r.pass, false);
    assert.match((r as { reason: string }).reason, /no parameter "body.missing"/);
    const notBool = compileEventFilter("body.id")(webhookData);
    assert.match((notBool as { reason: string }).reason, /not true or false/);
  });
  it("rejects a syntax error when compiled", () => {
    assert.throws(() => compileEventFilter("body.id == "), /ends too early/);
  });
});
