import assert from "node:assert/strict";
import { it } from "node:test";
import { HttpError } from "./http-error.js";
import { checkJsonDepth, MAX_JSON_DEPTH } from "./json-depth.js";

const nested = (n: number) => Buffer.from("[".repeat(n) + "]".repeat(n));

it("accepts nesting up to the limit and refuses one level more, naming the limit", () => {
  checkJsonDepth(nested(MAX_JSON_DEPTH));
  assert.throws(
    () => checkJsonDepth(nested(MAX_JSON_DEPTH + 1)),
    (e) => e instanceof HttpError && e.status === 400 && e.message.includes(`deeper than ${MAX_JSON_DEPTH} levels`),
  );
  assert.throws(() => checkJsonDepth(Buffer.from('{"a":'.repeat(4109) + "1" + "}".repeat(4109))), HttpError);
});

it("ignores brackets inside strings, escaped quotes included", () => {
  checkJsonDepth(Buffer.from(JSON.stringify({ s: "[".repeat(5000), t: '\\"[[[' })), 2);
  assert.throws(() => checkJsonDepth(Buffer.from('{"s":"\\"","a":[[1]]}'), 2), HttpError);
});
