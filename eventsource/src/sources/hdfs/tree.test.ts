// Changes between two listings of an HDFS tree, by inode id, as Argo's naive watcher reports them.
import assert from "node:assert/strict";
import { it } from "node:test";
import type { EntryStat } from "../file/diff.js";
import { diffTree } from "./tree.js";

const f = (ino: number, size = 1, mtimeMs = 1000, mode = 0o644): EntryStat => ({ ino, size, mtimeMs, mode });

it("a new id is CREATE, a gone one REMOVE (under its old path)", () => {
  const changes = diffTree(new Map([["a.csv", f(1)]]), new Map([["in/b.csv", f(2)]]));
  assert.deepEqual(changes.map((c) => [c.name, c.op]), [["in/b.csv", 1], ["a.csv", 4]]);
});

it("a known id under another path is RENAME under the new path, combined with WRITE and CHMOD when those changed too", () => {
  const changes = diffTree(new Map([["in/a.csv", f(1)]]), new Map([["b.csv", f(1, 2, 2000, 0o600)]]));
  assert.deepEqual(changes.map((c) => [c.name, c.oldName, c.op]), [["b.csv", "in/a.csv", 8 | 2 | 16]]);
});

it("size or modification time is WRITE, permission CHMOD, nothing else nothing", () => {
  const before = new Map([["a", f(1)], ["b", f(2)], ["c", f(3)]]);
  const after = new Map([["a", f(1, 5)], ["b", f(2, 1, 1000, 0o600)], ["c", f(3)]]);
  assert.deepEqual(diffTree(before, after).map((c) => [c.name, c.op]), [["a", 2], ["b", 16]]);
});

it("a file seen under both paths by a listing that raced a move is one RENAME, not a CREATE", () => {
  const changes = diffTree(new Map([["a.csv", f(1)]]), new Map([["a.csv", f(1)], ["in/a.csv", f(1)]]));
  assert.deepEqual(changes.map((c) => [c.name, c.oldName, c.op]), [["in/a.csv", "a.csv", 8]]);
});
