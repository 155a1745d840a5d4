import assert from "node:assert/strict";
import { it } from "node:test";
import { canonicalHeader, parseJsonBody, valuesMap } from "./body.js";
import { HttpError } from "./http-error.js";

it("canonicalises header names as Go does", () => {
  assert.equal(canonicalHeader("content-type"), "Content-Type");
  assert.equal(canonicalHeader("x-github-event"), "X-Github-Event");
});

it("builds Go url.Values maps", () => {
  assert.deepEqual(valuesMap(new URLSearchParams("a=1&a=2&b=")), { a: ["1", "2"], b: [""] });
});

it("names the reason when a body is not JSON", () => {
  assert.throws(() => parseJsonBody(Buffer.from("")), (e) => e instanceof HttpError && e.status === 400 && /empty body/.test(e.message));
  assert.throws(() => parseJsonBody(Buffer.from("{x")), (e) => e instanceof HttpError && /not valid JSON/.test(e.message));
  assert.deepEqual(parseJsonBody(Buffer.from('{"a":[1]}')), { a: [1] });
});
