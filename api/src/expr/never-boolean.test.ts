// neverBoolean(): arithmetic and literals are refused as filters; comparisons and variables are not.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { notBooleanMessage } from "./never-boolean.js";
import { parseExpression } from "./parser.js";

describe("notBooleanMessage", () => {
  it("names expressions that can never be true or false", () => {
    assert.match(notBooleanMessage(parseExpression("body.amount >> 5", "expr")) ?? "", /gives a number \(operator >>\), never true or false/);
    assert.match(notBooleanMessage(parseExpression("a + 1")) ?? "", /never true or false/);
    assert.match(notBooleanMessage(parseExpression('"yes"')) ?? "", /gives a string/);
    assert.match(notBooleanMessage(parseExpression("a ? 1 : 2")) ?? "", /gives a number/);
  });
  it("accepts comparisons, logic and bare variables", () => {
    for (const e of ["a > 5", "a && b", "!a", "a", "a ? b : false", "(a >> 1) == 2", "a ?? false"]) assert.equal(notBooleanMessage(parseExpression(e)), undefined, e);
  });
});
