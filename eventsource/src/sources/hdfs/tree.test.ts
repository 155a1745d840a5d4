// Changes between two listings of an HDFS tree, by inode id, as Argo's naive watcher reports them.
import assert from "node:assert/strict";
import { it } from "node:test";
import type { EntryStat } from "../file/diff.js";
import { diffTree, listTree } from "./tree.js";
import { HdfsNotFound, type HdfsFileStatus, type WebHdfsClient } from "./webhdfs.js";

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

it("lists the tree below the directory; a subdirectory removed during the walk is skipped, the directory itself missing is an error", async () => {
  const entry = (pathSuffix: string, fileId: number, type: "FILE" | "DIRECTORY" = "FILE"): HdfsFileStatus => ({ pathSuffix, fileId, type, length: 1, modificationTime: 1, permission: "644" });
  const tree: Record<string, HdfsFileStatus[]> = { "/d": [entry("a", 1), entry("gone", 2, "DIRECTORY"), entry("sub", 3, "DIRECTORY")], "/d/sub": [entry("b", 4)] };
  const client = {
    listStatus: async (path: string) => {
      if (!tree[path]) throw new HdfsNotFound(`${path} does not exist`);
      return tree[path];
    },
  } as unknown as WebHdfsClient;
  const listing = await listTree(client, "/d/", new AbortController().signal);
  assert.deepEqual([...listing.keys()], ["a", "gone", "sub", "sub/b"]);
  await assert.rejects(listTree(client, "/missing", new AbortController().signal), HdfsNotFound);
});
