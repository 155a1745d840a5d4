// Listing differences as fsnotify operations: create, write, chmod, remove, rename in and out, replace.
import assert from "node:assert/strict";
import { it } from "node:test";
import { diffListings, type EntryStat } from "./diff.js";

const st = (ino: number, size = 0, mtimeMs = 1, mode = 0o644): EntryStat => ({ ino, size, mtimeMs, mode });
const ops = (c: ReturnType<typeof diffListings>) => c.map((x) => `${x.op} ${x.name}`).sort();

it("reports each change as fsnotify would name it", () => {
  const before = new Map([["a", st(1)], ["b", st(2)], ["c", st(3)], ["d", st(4)], ["e", st(5)]]);
  const after = new Map([["a", st(1, 10, 2)], ["b", st(2, 0, 1, 0o600)], ["d2", st(4)], ["e", st(9)], ["n", st(7)]]);
  // c removed, d renamed to d2, e replaced by another file, n new.
  assert.deepEqual(ops(diffListings(before, after)), ["CHMOD b", "CREATE d2", "CREATE e", "CREATE n", "REMOVE c", "RENAME d", "WRITE a"]);
});

it("a modification inotify reported counts as WRITE even when size and mtime look the same", () => {
  const l = new Map([["a", st(1)]]);
  assert.deepEqual(ops(diffListings(l, l, new Set(["a"]))), ["WRITE a"]);
  assert.deepEqual(ops(diffListings(l, l)), []);
  assert.deepEqual(ops(diffListings(l, new Map([["a", st(1, 0, 1, 0o600)]]), new Set(["a"]))), ["CHMOD a"], "inotify's change for a chmod is not a write");
});

it("a watched file renamed to a name outside the watched ones is RENAME; to nowhere, REMOVE", () => {
  const before = new Map([["x.txt", st(1)]]);
  assert.deepEqual(ops(diffListings(before, new Map(), new Set(), new Map([["x.bak", st(1)]]))), ["RENAME x.txt"]);
  assert.deepEqual(ops(diffListings(before, new Map(), new Set(), new Map())), ["REMOVE x.txt"]);
});
