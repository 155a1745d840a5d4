import assert from "node:assert/strict";
import { it } from "node:test";
import { checkAttributes } from "./ce-attributes.js";

const ok = { specversion: "1.0", id: "1", source: "s", type: "t" };

it("accepts a valid CloudEvents 1.0 event", () => {
  assert.equal(checkAttributes(ok), undefined);
  assert.equal(checkAttributes({ ...ok, time: "2026-01-31T12:00:00.123+01:00", data_base64: "eyJhIjoxfQ==", data: undefined, ext: 3 }), undefined);
  assert.equal(checkAttributes({ ...ok, data: { nested: [1] } }), undefined);
});

it("refuses other spec versions, naming specversion", () => {
  for (const v of ["0.1", "0.3", "9.9", "2.0"]) assert.match(String(checkAttributes({ ...ok, specversion: v })), /^specversion .* is not supported/);
});

it("names the attribute that is missing or malformed", () => {
  assert.match(String(checkAttributes({ specversion: "1.0", source: "s" })), /missing required attribute\(s\) id, type/);
  assert.match(String(checkAttributes({ ...ok, time: "yesterday" })), /attribute time "yesterday" is not an RFC 3339/);
  assert.match(String(checkAttributes({ ...ok, time: "2026-13-45T99:00:00Z" })), /attribute time/);
  assert.match(String(checkAttributes({ ...ok, data_base64: "!!!notb64" })), /attribute data_base64 is not valid base64/);
  assert.match(String(checkAttributes({ ...ok, data_base64: "abc" })), /data_base64/);
  assert.match(String(checkAttributes({ ...ok, data_base64: "eyJhIjoxfQ==", data: 1 })), /both set/);
  assert.match(String(checkAttributes({ ...ok, id: "a\r\nb" })), /attribute id must not contain control characters/);
  assert.match(String(checkAttributes({ ...ok, source: "s\n" })), /attribute source/);
  assert.match(String(checkAttributes({ ...ok, region: { a: 1 } })), /attribute region must be a string/);
  assert.match(String(checkAttributes({ ...ok, id: ["1", "2"] })), /missing required attribute\(s\) id/);
});
