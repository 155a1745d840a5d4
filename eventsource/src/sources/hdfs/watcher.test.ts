// The HDFS watch's decisions over scripted listings: a listing that raced a move between directories (the file in
// neither) does not report a removal, and a removal is reported once the file is missing from two listings.
import assert from "node:assert/strict";
import { it } from "node:test";
import pino from "pino";
import { Registry } from "prom-client";
import type { Emission } from "../../define.js";
import { createEventSourceMetrics } from "../../metrics.js";
import { memoryListingStore } from "../file/listing-store.js";
import { runHdfsWatch } from "./watcher.js";
import type { HdfsFileStatus, WebHdfsClient } from "./webhdfs.js";


const file = (pathSuffix: string, fileId: number): HdfsFileStatus => ({ pathSuffix, fileId, type: "FILE", length: 1, modificationTime: 1000, permission: "644" });
const dir = (pathSuffix: string, fileId: number): HdfsFileStatus => ({ pathSuffix, fileId, type: "DIRECTORY", length: 0, modificationTime: 1000, permission: "755" });

it("a file missing from one listing (a move raced the walk) is a RENAME once found, and a REMOVE only when missing from two", async () => {
  // Each listing of the tree, by directory: the baseline, the raced one (in neither place), the moved file, then gone twice.
  const trees: Record<string, HdfsFileStatus[]>[] = [
    { "/land": [dir("in", 10)], "/land/in": [file("a.csv", 1)] },
    { "/land": [dir("in", 10)], "/land/in": [] },
    { "/land": [dir("in", 10), file("b.csv", 1)], "/land/in": [] },
    { "/land": [dir("in", 10)], "/land/in": [] },
    { "/land": [dir("in", 10)], "/land/in": [] },
  ];
  let listing = 0;
  const ac = new AbortController();
  const client = {
    listStatus: async (path: string) => {
      const tree = trees[Math.min(listing, trees.length - 1)]!;
      if (path === "/land/in" && ++listing === trees.length) setImmediate(() => ac.abort());
      return tree[path] ?? [];
    },
  } as unknown as WebHdfsClient;
  const emitted: Emission[] = [];
  const w = runHdfsWatch({
    eventSourceName: "es",
    eventName: "any",
    config: { directory: "/land", pathRegexp: "\\.csv$", type: "REMOVE", checkInterval: "1ms", addresses: ["nn:9870"] },
    client,
    store: memoryListingStore(),
    emit: async (e) => void emitted.push(e),
    logger: pino({ level: "silent" }),
    metrics: createEventSourceMetrics(new Registry()),
    health: () => undefined,
    signal: ac.signal,
  });
  await w.done;
  assert.deepEqual(emitted.map((e) => e.data), [{ name: "/land/b.csv", op: 4 }], "no REMOVE of in/a.csv for the raced listing; b.csv's after two");
});
