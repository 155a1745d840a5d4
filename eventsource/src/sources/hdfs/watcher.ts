// Watches one HDFS tree for one event: lists it every checkInterval, compares with the last listing (kept in the KV
// store, so changes made while the source was down are found), publishes the changes the event asks for.
import { posix } from "node:path";
import { compileRegexTest, durationToMs, type HdfsConfig } from "@impulse/api";
import type { Logger } from "pino";
import type { Emit, HealthReporter } from "../../define.js";
import type { EventSourceMetrics } from "../../metrics.js";
import type { EntryStat } from "../file/diff.js";
import type { ListingStore } from "../file/listing-store.js";
import { reconnectDelayMs } from "../shared/backoff.js";
import { sleep } from "../shared/sleep.js";
import { upstreamState } from "../shared/upstream.js";
import { changeIs, diffTree, listTree, type TreeChange } from "./tree.js";
import { HdfsNotFound, type WebHdfsClient } from "./webhdfs.js";

/** Argo's default checkInterval. */
const DEFAULT_INTERVAL_MS = 60_000;

export interface HdfsWatchOptions {
  eventSourceName: string;
  eventName: string;
  config: HdfsConfig;
  client: WebHdfsClient;
  store: ListingStore;
  emit: Emit;
  logger: Logger;
  metrics: EventSourceMetrics;
  health: HealthReporter;
  signal: AbortSignal;
}

export function runHdfsWatch(o: HdfsWatchOptions): { ready: Promise<void>; done: Promise<void> } {
  const { config: cfg, signal } = o;
  const log = o.logger.child({ eventName: o.eventName, directory: cfg.directory });
  const labels = { eventsource: o.eventSourceName, event: o.eventName };
  const state = upstreamState(o.eventName, labels, o.metrics, o.health);
  const intervalMs = cfg.checkInterval ? (durationToMs(cfg.checkInterval) ?? DEFAULT_INTERVAL_MS) : DEFAULT_INTERVAL_MS;
  const dir = posix.normalize(cfg.directory);
  const pattern = cfg.pathRegexp ? compileRegexTest(cfg.pathRegexp) : undefined;
  // Argo matches the path relative to the directory; here with or without a trailing slash on the directory.
  const wanted = (name: string) => (cfg.path ? name === cfg.path : pattern!(name));
  // The whole tree is kept (not only wanted paths): a file renamed into a wanted path is a RENAME, as in Argo.
  // Keyed by the directory alone: adding a NameNode to `addresses` (HA) must not start over from a new baseline.
  const watching = JSON.stringify(["hdfs", dir.replace(/\/+$/, "") || "/"]);
  let known: Map<string, EntryStat> | undefined;
  // Inode ids missing from the last listing, not yet reported: listing a tree is not atomic, so a file moved from a
  // directory not yet listed to one already listed is missing from that one listing. Missing from two, it is removed.
  let missingOnce = new Set<number>();

  /** The id of one change: found again (after a crash, by a repeated check), it is stored once. */
  const changeId = (c: TreeChange) => `${o.eventSourceName}:${o.eventName}:${c.op}:${c.name}:${c.stat.ino}:${c.stat.size}:${c.stat.mtimeMs}:${c.stat.mode}`;

  async function check(): Promise<void> {
    const now = await listTree(o.client, dir, signal);
    if (!known) {
      known = await o.store.load(watching);
      if (!known) {
        // First start of this event (or of another directory): what is there already is the baseline.
        for (const [name, stat] of now) await o.store.set(name, stat);
        await o.store.markInitialized(watching);
        known = now;
        return;
      }
    }
    const missing = new Set<number>();
    for (const c of diffTree(known, now)) {
      if (changeIs(c, "REMOVE") && !missingOnce.has(c.stat.ino)) {
        missing.add(c.stat.ino);
        continue;
      }
      if (wanted(c.name) && changeIs(c, cfg.type)) {
        const data = { name: posix.join(dir, c.name), op: c.op, ...(cfg.metadata ? { metadata: cfg.metadata } : {}) };
        await o.emit({ eventName: o.eventName, id: changeId(c), data });
      }
      // Recorded only once published: a crash before this finds the change again (and the bus keeps one copy).
      if (c.oldName !== undefined) {
        known.delete(c.oldName);
        await o.store.delete(c.oldName);
      }
      if (changeIs(c, "REMOVE")) {
        known.delete(c.name);
        await o.store.delete(c.name);
      } else {
        known.set(c.name, c.stat);
        await o.store.set(c.name, c.stat);
      }
    }
    missingOnce = missing;
  }

  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  const done = (async () => {
    let attempt = 0;
    while (!signal.aborted) {
      try {
        await check();
        state.up();
        attempt = 0;
        markReady();
        await sleep(intervalMs, signal);
      } catch (e) {
        if (signal.aborted) break;
        const error = e instanceof HdfsNotFound ? `directory ${dir} does not exist` : (e as Error).message;
        const retryInMs = reconnectDelayMs(undefined, attempt++);
        log.warn({ err: error, retryInMs }, "cannot list the HDFS directory or publish its changes: retrying");
        state.down(error, e instanceof HdfsNotFound ? "not_found" : "unreachable");
        markReady(); // the process runs on; /health says why nothing is watched
        await sleep(retryInMs, signal);
      }
    }
  })();
  return { ready, done };
}
