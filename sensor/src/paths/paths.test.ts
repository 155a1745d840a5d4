import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { getPath, resultString } from "./gjson.js";
import { setPath } from "./sjson.js";

const doc = { body: { name: "n", items: [{ id: 1 }, { id: 2 }], "dotted.key": true, nil: null } };

describe("getPath (gjson subset)", () => {
  it("reads keys, indices, lengths and escaped dots", () => {
    assert.deepEqual(getPath(doc, "body.name"), { exists: true, value: "n" });
    assert.deepEqual(getPath(doc, "body.items.1.id"), { exists: true, value: 2 });
    assert.deepEqual(getPath(doc, "body.items.#"), { exists: true, value: 2 });
    assert.deepEqual(getPath(doc, "body.dotted\\.key"), { exists: true, value: true });
    assert.deepEqual(getPath(doc, "body.nil"), { exists: true, value: null });
  });
  it("reports missing paths", () => {
    assert.equal(getPath(doc, "body.nope").exists, false);
    assert.equal(getPath(doc, "body.items.5").exists, false);
    assert.equal(getPath(doc, "body.name.x").exists, false);
  });
  it("stringifies like gjson's String()", () => {
    assert.equal(resultString("s"), "s");
    assert.equal(resultString(12.5), "12.5");
    assert.equal(resultString({ a: 1 }), '{"a":1}');
    assert.equal(resultString(null), "");
  });
});

describe("setPath (sjson subset)", () => {
  it("creates missing objects and arrays, and appends with -1", () => {
    assert.deepEqual(setPath({}, "a.b", 1), { a: { b: 1 } });
    assert.deepEqual(setPath({}, "list.0.name", "x"), { list: [{ name: "x" }] });
    assert.deepEqual(setPath({ list: [1] }, "list.-1", 2), { list: [1, 2] });
    assert.deepEqual(setPath({ a: "scalar" }, "a.b", 1), { a: { b: 1 } });
  });
  it("replaces the whole document for an empty path", () => {
    assert.deepEqual(setPath({ a: 1 }, "", { b: 2 }), { b: 2 });
  });
});
