// One minio event: holds a ListenBucketNotification stream open, stores each record on the bus, and reconnects with backoff.
import type { IncomingMessage } from "node:http";
import type { MinioConfig } from "@impulse/api";
import type { Client } from "minio";
import type { Logger } from "pino";
import type { Emit, HealthReporter } from "../../define.js";
import type { EventSourceMetrics } from "../../metrics.js";
import { reconnectDelayMs } from "../shared/backoff.js";
import { PoisonMessage } from "../shared/poison.js";
import { serialQueue } from "../shared/serial.js";
import { sleep } from "../shared/sleep.js";
import { storeUntilDone } from "../shared/store.js";
import { upstreamState } from "../shared/upstream.js";
import { DEFAULT_REGION } from "./client.js";
import { checkRecord, lineSplitter, listenQuery, minioEventData, minioEventId } from "./records.js";

/** MinIO writes a keep-alive space every 500 ms: this long without a byte means the connection is dead. */
const IDLE_MS = 15_000;
/** Opening the stream (TCP, TLS, auth, bucket check) must answer within this, or it counts as an outage. */
const CONNECT_MS = 15_000;
/** The events listened for when `events` is not set. */
export const DEFAULT_EVENTS = ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"];
/** Records received while the bus is down wait in memory up to this many; past it new ones are dropped and counted. */
const MAX_HELD = 10_000;

export interface ListenerOptions {
  eventSourceName: string;
  eventName: string;
  config: MinioConfig;
  client: Client;
  emit: Emit;
  logger: Logger;
  metrics: EventSourceMetrics;
  health: HealthReporter;
  signal: AbortSignal;
}

interface Held {
  record: unknown;
  at: number;
}

export function startListener(o: ListenerOptions): { ready: Promise<void>; done: Promise<void> } {
  const { config: cfg, signal } = o;
  const log = o.logger.child({ eventName: o.eventName, bucket: cfg.bucket.name });
  const labels = { eventsource: o.eventSourceName, event: o.eventName };
  const received = o.metrics.received.labels(labels);
  const publishDuration = o.metrics.publishDuration.labels(labels);
  const state = upstreamState(o.eventName, labels, o.metrics, o.health);
  // MinIO routes the request to the listen API only when it names events (without, it is a ListObjects): default as `mc watch`.
  const query = listenQuery(cfg.filter?.prefix, cfg.filter?.suffix, cfg.events?.length ? cfg.events : DEFAULT_EVENTS);
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));
  // An unreachable server must not hold the runtime's start: /health tells what is wrong meanwhile.
  setTimeout(() => markReady(), 10_000).unref();

  const poison = (why: string) => {
    o.metrics.failed.inc({ ...labels, reason: "poison" });
    log.warn({ err: why }, "bad notification skipped");
  };
  const handle = async ({ record, at }: Held) => {
    let rec;
    try {
      rec = checkRecord(record);
    } catch (e) {
      if (!(e instanceof PoisonMessage)) throw e;
      return poison(e.message);
    }
    const id = minioEventId(o.eventSourceName, o.eventName, rec);
    const emission = { eventName: o.eventName, id, data: minioEventData(rec, cfg.metadata), ...(rec.eventTime ? { time: rec.eventTime } : {}) };
    // The listen API has no acknowledgement: holding the record in memory (retrying) is all that can be done while the bus is down.
    const outcome = await storeUntilDone({ emit: o.emit, metrics: o.metrics, labels, log, signal }, emission);
    if (outcome === "stored") publishDuration.observe((performance.now() - at) / 1000);
  };
  const queue = serialQueue<Held>(handle, (e) => log.error({ err: (e as Error).message }, "notification handling failed"));

  /** Opens the stream: resolves with the response once MinIO answered 200 (bucket found, keys accepted). */
  const open = async (): Promise<IncomingMessage> => {
    const pending = o.client.makeRequestAsync({ method: "GET", bucketName: cfg.bucket.name, query }, "", [200], cfg.region ?? DEFAULT_REGION);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer from ${cfg.endpoint} within ${CONNECT_MS / 1000}s`)), CONNECT_MS);
    });
    try {
      const res = await Promise.race([pending, timeout]);
      // An S3 endpoint that is not MinIO's listen API (another S3 server, a proxy) answers 200 with something else.
      const type = String(res.headers["content-type"] ?? "");
      if (!type.startsWith("text/event-stream")) {
        res.destroy();
        throw new Error(`the server did not answer with a notification stream (Content-Type ${type || "none"}): is it MinIO?`);
      }
      return res;
    } catch (e) {
      // A late answer to an abandoned attempt must not keep a connection open.
      pending.then((r) => r.destroy(), () => undefined);
      throw e;
    } finally {
      clearTimeout(timer);
    }
  };

  /** Reads one stream until it ends, breaks, goes idle or the source stops; returns why it ended. */
  const read = (res: IncomingMessage): Promise<string> =>
    new Promise((resolve) => {
      const lines = lineSplitter();
      let idle: NodeJS.Timeout;
      const finish = (why: string) => {
        clearTimeout(idle);
        signal.removeEventListener("abort", onAbort);
        res.destroy();
        resolve(why);
      };
      const arm = () => {
        clearTimeout(idle);
        idle = setTimeout(() => finish(`no data (not even keep-alive) for ${IDLE_MS / 1000}s`), IDLE_MS);
      };
      const onAbort = () => finish("stopped");
      signal.addEventListener("abort", onAbort, { once: true });
      arm();
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        arm();
        for (const line of lines.push(chunk)) {
          if ("poison" in line) {
            received.inc();
            poison(line.poison);
            continue;
          }
          for (const record of line.records) {
            received.inc();
            if (queue.length >= MAX_HELD) {
              o.metrics.failed.inc({ ...labels, reason: "overflow" });
              continue;
            }
            queue.push({ record, at: performance.now() });
          }
        }
      });
      res.on("error", (e) => finish(e.message));
      res.on("aborted", () => finish("connection aborted"));
      res.on("end", () => finish("the server ended the stream"));
      res.on("close", () => finish("connection closed"));
    });

  const loop = async () => {
    for (let attempt = 0; !signal.aborted; ) {
      let res: IncomingMessage;
      try {
        res = await open();
      } catch (e) {
        const code = (e as { code?: unknown }).code;
        const why = `${typeof code === "string" && code ? `${code}: ` : ""}${(e as Error).message}`;
        if (state.healthy || attempt === 0) log.warn({ err: why }, "cannot listen to bucket notifications; retrying");
        state.down(`listen on bucket ${cfg.bucket.name}: ${why}`, "connect");
        markReady();
        await sleep(reconnectDelayMs(undefined, attempt++), signal);
        continue;
      }
      if (attempt > 0) log.info("listening to bucket notifications again");
      attempt = 0;
      state.up();
      markReady();
      const why = await read(res);
      if (signal.aborted) break;
      // Notifications sent before the next listen starts are lost: MinIO keeps none for a listener that is not connected.
      log.warn({ err: why }, "notification stream closed; reconnecting");
      state.down(`notification stream closed: ${why}`, "disconnect");
      await sleep(reconnectDelayMs(undefined, attempt++), signal);
    }
  };

  const done = loop()
    .catch((e) => log.error({ err: (e as Error).message }, "minio listener failed"))
    .then(async () => {
      await queue.idle();
      o.metrics.upstreamConnected.set(labels, 0);
      markReady();
    });
  return { ready, done };
}
