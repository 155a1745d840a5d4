// One redisStream event: reads its streams through a consumer group, XACKs an entry only after the bus stored it, and
// reclaims (XAUTOCLAIM) entries a crashed reader left pending.
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { RedisStreamConfig } from "@impulse/api";
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "pino";
import type { Emit, HealthReporter } from "../../define.js";
import type { EventSourceMetrics } from "../../metrics.js";
import { reconnectDelayMs } from "../shared/backoff.js";
import { sleep } from "../shared/sleep.js";
import { storeUntilDone } from "../shared/store.js";
import { upstreamState } from "../shared/upstream.js";
import { redisStreamEventData, redisStreamEventId } from "./data.js";
import { ensureGroup } from "./group.js";

/** An entry pending this long belongs to a reader that died (a live one acks within a bus round trip, or keeps retrying). */
export const CLAIM_IDLE_MS = 10_000;
const CLAIM_EVERY_MS = 5_000;
const BLOCK_MS = 2_000;
export const DEFAULT_GROUP = "argo-events-cg";

export interface ReaderOptions {
  eventSourceName: string;
  eventName: string;
  config: RedisStreamConfig;
  connection: RedisOptions;
  emit: Emit;
  logger: Logger;
  metrics: EventSourceMetrics;
  health: HealthReporter;
  signal: AbortSignal;
}

type Entry = [id: string, fields: string[]];

export function startReader(o: ReaderOptions): { ready: Promise<void>; done: Promise<void> } {
  const { config: cfg, signal } = o;
  const group = cfg.consumerGroup ?? DEFAULT_GROUP;
  const count = cfg.maxMsgCountPerRead ?? 10;
  const db = cfg.db ?? 0;
  // Each process reads as its own consumer: pending entries name who holds them, so a dead one's can be reclaimed.
  const consumer = `impulse-${hostname()}-${process.pid}-${randomBytes(3).toString("hex")}`;
  const log = o.logger.child({ eventName: o.eventName, group, consumer });
  const labels = { eventsource: o.eventSourceName, event: o.eventName };
  const received = o.metrics.received.labels(labels);
  const publishDuration = o.metrics.publishDuration.labels(labels);
  const state = upstreamState(o.eventName, labels, o.metrics, o.health);
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));
  setTimeout(() => markReady(), 10_000).unref();

  const client = new Redis({ ...o.connection, lazyConnect: false });
  client.on("close", () => {
    if (signal.aborted || !state.healthy) return;
    log.warn("redis connection lost; reconnecting");
    state.down("not connected to redis", "disconnect");
  });
  client.on("error", (e: Error) => log.debug({ err: e.message }, "redis client error"));
  const stopClient = () => client.disconnect(false);
  signal.addEventListener("abort", stopClient, { once: true });

  /** Stores one entry, then acknowledges it; returns false when the source is stopping (the entry stays pending). */
  const handle = async (stream: string, [entryId, fields]: Entry): Promise<boolean> => {
    const started = performance.now();
    received.inc();
    const id = redisStreamEventId(o.eventSourceName, o.eventName, cfg.hostAddress, db, stream, entryId);
    const data = redisStreamEventData(stream, entryId, fields, cfg.metadata);
    const outcome = await storeUntilDone({ emit: o.emit, metrics: o.metrics, labels, log, signal }, { eventName: o.eventName, id, data });
    if (outcome === "stopped") return false;
    // Only now: a crash before this line leaves the entry pending, to be reclaimed and stored again (the bus drops the copy).
    await client.xack(stream, group, entryId);
    if (outcome === "stored") publishDuration.observe((performance.now() - started) / 1000);
    return true;
  };

  const reclaim = async (stream: string): Promise<boolean> => {
    let cursor = "0-0";
    do {
      const [next, entries] = (await client.xautoclaim(stream, group, consumer, CLAIM_IDLE_MS, cursor, "COUNT", count)) as [string, (Entry | null)[]];
      for (const e of entries) if (e && !(await handle(stream, e))) return false;
      if (entries.length > 0) log.info({ stream, entries: entries.length }, "reclaimed entries a stopped reader left pending");
      cursor = next;
    } while (cursor !== "0-0" && !signal.aborted);
    return true;
  };

  const done = (async () => {
    let attempt = 0;
    let groupsReady = false;
    let nextClaim = 0;
    while (!signal.aborted) {
      try {
        if (client.status !== "ready") {
          await sleep(100, signal);
          continue;
        }
        if (!groupsReady) {
          for (const s of cfg.streams) await ensureGroup(client, s, group, log);
          groupsReady = true;
          log.info({ streams: cfg.streams }, "reading streams");
        }
        state.up();
        markReady();
        attempt = 0;
        if (Date.now() >= nextClaim) {
          for (const s of cfg.streams) if (!(await reclaim(s))) return;
          nextClaim = Date.now() + CLAIM_EVERY_MS;
        }
        const res = (await client.xreadgroup("GROUP", group, consumer, "COUNT", count, "BLOCK", BLOCK_MS, "STREAMS", ...cfg.streams, ...cfg.streams.map(() => ">"))) as
          | [string, Entry[]][]
          | null;
        for (const [stream, entries] of res ?? []) for (const e of entries) if (!(await handle(stream, e))) return;
      } catch (e) {
        if (signal.aborted) break;
        const msg = (e as Error).message;
        // The stream or group is gone (deleted, or a server that lost its data): create them again.
        if (msg.includes("NOGROUP")) groupsReady = false;
        if (state.healthy) log.warn({ err: msg }, "redis stream read failed; retrying with backoff");
        state.down(msg, state.healthy ? "read" : undefined);
        markReady();
        await sleep(reconnectDelayMs(undefined, attempt++), signal);
      }
    }
  })().finally(() => {
    signal.removeEventListener("abort", stopClient);
    client.disconnect(false);
    o.metrics.upstreamConnected.set(labels, 0);
    markReady();
  });
  return { ready, done };
}
