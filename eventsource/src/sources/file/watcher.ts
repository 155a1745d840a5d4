// Watches one directory for one event: inotify (fs.watch) or polling trigger a listing, compared with the last one.
import { watch } from "node:fs";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { compileRegexTest, type FileConfig } from "@impulse/api";
import type { Logger } from "pino";
import type { Emit } from "../../define.js";
import { diffListings, OP_BITS, type Change, type EntryStat } from "./diff.js";
import type { ListingStore } from "./listing-store.js";
import { scanDirectory } from "./scan.js";

/** Polling interval with `polling: true`. */
export const POLL_MS = 1000;
/** With inotify, a full comparison this often as well: inotify drops events when its queue overflows. */
const RESCAN_MS = 60_000;
const MAX_BACKOFF_MS = 30_000;

export interface FileWatchOptions {
  eventSourceName: string;
  eventName: string;
  config: FileConfig;
  store: ListingStore;
  emit: Emit;
  logger: Logger;
  health: (status: { healthy: boolean; error?: string }) => void;
}

/** The id of one change: the same change found again (after a crash, or by two scans) is stored once. */
function changeId(o: FileWatchOptions, c: Change): string {
  return `${o.eventSourceName}:${o.eventName}:${c.op}:${c.name}:${c.stat.ino}:${c.stat.size}:${c.stat.mtimeMs}:${c.stat.mode}`;
}

export function runFileWatch(o: FileWatchOptions, signal: AbortSignal): { ready: Promise<void>; done: Promise<void> } {
  const { config: cfg, logger: log } = o;
  const dir = cfg.watchPathConfig.directory;
  const pattern = cfg.watchPathConfig.pathRegexp ? compileRegexTest(cfg.watchPathConfig.pathRegexp) : undefined;
  // Argo matches the name relative to the directory (with or without a trailing slash on it, here).
  const wanted = (name: string) => (cfg.watchPathConfig.path ? name === cfg.watchPathConfig.path : pattern!(name));
  const only = (l: Map<string, EntryStat>) => new Map([...l].filter(([n]) => wanted(n)));

  let known: Map<string, EntryStat> | undefined;
  const watching = JSON.stringify([dir.replace(/\/+$/, ""), cfg.watchPathConfig.path ?? "", cfg.watchPathConfig.pathRegexp ?? ""]);
  let touched = new Set<string>();

  /** Lists the directory, publishes the wanted operation for each change, and records each change once handled. */
  async function compare(): Promise<void> {
    const all = await scanDirectory(dir);
    const after = only(all);
    if (!known) {
      known = await o.store.load(watching);
      if (!known) {
        // First start of this event (or of a new directory or pattern): the files already there are the baseline.
        for (const [name, stat] of after) await o.store.set(name, stat);
        await o.store.markInitialized(watching);
        known = after;
        return;
      }
    }
    const seen = touched;
    touched = new Set();
    const changes = diffListings(known, after, seen, all);
    const names = [...new Set(changes.map((c) => c.name))];
    for (const name of names) {
      try {
        for (const c of changes.filter((x) => x.name === name)) {
          if (c.op !== cfg.eventType) continue;
          const data = { name: join(dir, c.name), op: OP_BITS[c.op], ...(cfg.metadata ? { metadata: cfg.metadata } : {}) };
          await o.emit({ eventName: o.eventName, id: changeId(o, c), data });
        }
      } catch (e) {
        for (const n of seen) touched.add(n); // not stored: the next comparison finds these changes again
        throw e;
      }
      const now = after.get(name);
      if (now) {
        known.set(name, now);
        await o.store.set(name, now);
      } else {
        known.delete(name);
        await o.store.delete(name);
      }
    }
  }

  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  let dirty = true;
  let wake: (() => void) | undefined;
  const kick = () => {
    dirty = true;
    wake?.();
  };

  const done = (async () => {
    let backoff = 1000;
    let watcher: ReturnType<typeof watch> | undefined;
    signal.addEventListener("abort", kick, { once: true });
    try {
      while (!signal.aborted) {
        try {
          if (!cfg.polling && !watcher) {
            watcher = watch(dir, { persistent: false }, (type, filename) => {
              if (type === "change" && filename) touched.add(filename.toString());
              kick();
            });
            watcher.on("error", (e) => {
              log.warn({ err: e.message }, "directory watch failed");
              watcher?.close();
              watcher = undefined;
              kick();
            });
          }
          if (dirty) {
            dirty = false;
            await compare();
          }
          o.health({ healthy: true });
          backoff = 1000;
          markReady();
          const wait = cfg.polling ? POLL_MS : RESCAN_MS;
          await new Promise<void>((resolve) => {
            const t = setTimeout(() => {
              dirty = true;
              resolve();
            }, wait);
            wake = () => {
              clearTimeout(t);
              resolve();
            };
            if (dirty || signal.aborted) wake();
          });
          wake = undefined;
        } catch (e) {
          const error = (e as NodeJS.ErrnoException).code === "ENOENT" ? `directory ${dir} does not exist` : (e as Error).message;
          log.warn({ err: error, retryInMs: backoff }, "cannot list the directory or publish its changes: retrying");
          o.health({ healthy: false, error });
          markReady(); // the process runs on; /health says why nothing is watched
          watcher?.close();
          watcher = undefined;
          dirty = true;
          await sleep(backoff, undefined, { signal }).catch(() => undefined);
          backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
        }
      }
    } finally {
      watcher?.close();
    }
  })();
  return { ready, done };
}
