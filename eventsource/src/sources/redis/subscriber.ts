// One redis event: subscribes to its channels and patterns, and stores each message on the bus in arrival order.
import type { RedisConfig } from "@impulse/api";
import { Redis, type RedisOptions } from "ioredis";
import type { Logger } from "pino";
import type { Emit, HealthReporter } from "../../define.js";
import type { EventSourceMetrics } from "../../metrics.js";
import { PoisonMessage } from "../shared/poison.js";
import { serialQueue } from "../shared/serial.js";
import { storeUntilDone } from "../shared/store.js";
import { upstreamState } from "../shared/upstream.js";
import { isPattern, redisEventData } from "./data.js";

export interface SubscriberOptions {
  eventSourceName: string;
  eventName: string;
  config: RedisConfig;
  connection: RedisOptions;
  emit: Emit;
  logger: Logger;
  metrics: EventSourceMetrics;
  health: HealthReporter;
  signal: AbortSignal;
}

interface Message {
  channel: string;
  pattern?: string;
  payload: string;
  at: number;
}

export function startSubscriber(o: SubscriberOptions): { ready: Promise<void>; done: Promise<void> } {
  const { config: cfg, signal } = o;
  const log = o.logger.child({ eventName: o.eventName });
  const labels = { eventsource: o.eventSourceName, event: o.eventName };
  const received = o.metrics.received.labels(labels);
  const publishDuration = o.metrics.publishDuration.labels(labels);
  const state = upstreamState(o.eventName, labels, o.metrics, o.health);
  const channels = cfg.channels.filter((c) => !isPattern(c));
  const patterns = cfg.channels.filter(isPattern);
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));
  // A slow or unreachable upstream must not hold the runtime's start: /health tells what is wrong meanwhile.
  setTimeout(() => markReady(), 10_000).unref();

  const handle = async (m: Message) => {
    received.inc();
    let data: Record<string, unknown>;
    try {
      data = redisEventData(m, cfg.jsonBody ?? false, cfg.metadata);
    } catch (e) {
      if (!(e instanceof PoisonMessage)) throw e;
      o.metrics.failed.inc({ ...labels, reason: "poison" });
      log.warn({ err: e.message, channel: m.channel }, "poison message skipped");
      return;
    }
    // Pub/sub has no acknowledgement: holding the message in memory (retrying) is all that can be done while the bus is down.
    const outcome = await storeUntilDone({ emit: o.emit, metrics: o.metrics, labels, log, signal }, { eventName: o.eventName, data });
    if (outcome === "stored") publishDuration.observe((performance.now() - m.at) / 1000);
  };
  const queue = serialQueue<Message>(handle, (e) => log.error({ err: (e as Error).message }, "message handling failed"));

  // ioredis reconnects with backoff and re-subscribes by itself (autoResubscribe); events tell /health what happens.
  const client = new Redis({ ...o.connection, lazyConnect: false, autoResubscribe: true });
  let subscribed = false;
  client.on("ready", () => {
    if (subscribed) {
      state.up();
      return;
    }
    void (async () => {
      try {
        if (channels.length > 0) await client.subscribe(...channels);
        if (patterns.length > 0) await client.psubscribe(...patterns);
        subscribed = true;
        state.up();
        log.info({ channels, patterns }, "subscribed");
      } catch (e) {
        state.down((e as Error).message, "subscribe");
        client.disconnect(true); // try again on a new connection
      }
      markReady();
    })();
  });
  client.on("close", () => {
    if (signal.aborted) return;
    if (state.healthy) log.warn("redis connection lost; reconnecting");
    state.down("not connected to redis", state.healthy ? "disconnect" : undefined);
    markReady();
  });
  client.on("error", (e: Error) => {
    log.debug({ err: e.message }, "redis client error");
    if (!state.healthy) state.down(e.message);
  });
  client.on("message", (channel: string, payload: string) => queue.push({ channel, payload, at: performance.now() }));
  client.on("pmessage", (pattern: string, channel: string, payload: string) => queue.push({ channel, pattern, payload, at: performance.now() }));

  const done = new Promise<void>((resolve) => {
    const stop = async () => {
      client.disconnect(false);
      await queue.idle();
      o.metrics.upstreamConnected.set(labels, 0);
      markReady();
      resolve();
    };
    if (signal.aborted) void stop();
    else signal.addEventListener("abort", () => void stop(), { once: true });
  });
  return { ready, done };
}
