import assert from "node:assert/strict";
import { it } from "node:test";
import { genericEventData, NotJson } from "./data.js";

it("gives the payload base64-encoded by default, as Go marshals []byte", () => {
  assert.deepEqual(genericEventData(Buffer.from("hello"), false, undefined), { body: "aGVsbG8=" });
  assert.deepEqual(genericEventData(Buffer.alloc(0), false, {}), { body: "" });
});

it("parses the payload with jsonBody and carries metadata", () => {
  assert.deepEqual(genericEventData(Buffer.from('{"a":[1]}'), true, { team: "x" }), { body: { a: [1] }, metadata: { team: "x" } });
});

it("refuses a payload that is not JSON with jsonBody, without quoting it", () => {
  assert.throws(
    () => genericEventData(Buffer.from("secret-token-123 {"), true, undefined),
    (e) => e instanceof NotJson && !e.message.includes("secret-token") && /18 bytes is not JSON/.test(e.message),
  );
});
