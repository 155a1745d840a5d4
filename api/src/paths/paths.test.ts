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

describe("getPath: gjson queries, maps, wildcards, multipaths and JSONPath", () => {
  const team = {
    name: { first: "Ada", last: "Lovelace" },
    "fav.lang": "ML",
    members: [
      { first: "Dale", last: "Murphy", age: 44, tags: ["a"] },
      { first: "Roger", last: "Craig", age: 68, tags: ["b"] },
      { first: "Jane", last: "Murphy", age: 47, tags: [] },
    ],
    counts: [3, 8, 1],
  };
  const get = (p: string) => {
    const r = getPath(team, p);
    return r.exists ? r.value : "<missing>";
  };
  it("maps the rest of the path over arrays with #", () => {
    assert.deepEqual(get("members.#.first"), ["Dale", "Roger", "Jane"]);
    assert.deepEqual(get("members.#.tags.0"), ["a", "b"]);
    assert.equal(get("members.#"), 3);
  });
  it("finds the first or all matches with #(query) and #(query)#", () => {
    assert.equal(get('members.#(last=="Murphy").first'), "Dale");
    assert.deepEqual(get('members.#(last=="Murphy")#.first'), ["Dale", "Jane"]);
    assert.deepEqual(get("members.#(age>45)#.last"), ["Craig", "Murphy"]);
    assert.equal(get('members.#(first%"R*").last'), "Craig");
    assert.deepEqual(get('members.#(first!%"D*")#.first'), ["Roger", "Jane"]);
    assert.deepEqual(get("counts.#(>2)#"), [3, 8]);
    assert.equal(get('members.#(last=="Nobody").first'), "<missing>");
  });
  it("matches keys with * and ?, and takes escaped dots literally", () => {
    assert.equal(get("name.f*"), "Ada");
    assert.equal(get("name.l?st"), "Lovelace");
    assert.equal(get("fav\\.lang"), "ML");
  });
  it("builds arrays and objects from multipaths", () => {
    assert.deepEqual(get("[name.first,counts.1,nope]"), ["Ada", 8]);
    assert.deepEqual(get("{name.first,counts}"), { first: "Ada", counts: [3, 8, 1] });
  });
  it("evaluates a $ path as JSONPath, without script evaluation", () => {
    assert.equal(get("$.name.first"), "Ada");
    assert.deepEqual(get("$.members[?(@.age > 45)].first"), "<missing>", "filter scripts are not evaluated");
    assert.deepEqual(get("$.members[*].last"), ["Murphy", "Craig", "Murphy"]);
    assert.equal(get("$.nope"), "<missing>");
  });
});
