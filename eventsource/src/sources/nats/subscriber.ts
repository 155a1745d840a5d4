// One nats event: connects (retrying with connectionBackoff), subscribes, and stores each message on the bus in order.
import type { NATSConfig } from "@impulse/api";
import { connect, type ConnectionOptions, type Msg, type NatsConnection } from "@nats-io/transport-node";
import type { Logger } from "pino";
import type { Emit, HealthReporter } from "../../define.js";
import type { EventSourceMetrics } from "../../metrics.js";
import { reconnectDelayMs } from "../shared/backoff.js";
import { PoisonMessage } from "../shared/poison.js";
import { sleep } from "../shared/sleep.js";
import { storeUntilDone } from "../shared/store.js";
import { upstreamState } from "../shared/upstream.js";
import { natsEventData } from "./data.js";

export interface SubscriberOptions {
  eventSourceName: string;
  eventName: string;
  config: NATSConfig;
  connection: ConnectionOptions;
  emit: Emit;
  logger: Logger;
  metrics: EventSourceMetrics;
  health: HealthReporter;
  signal: AbortSignal;
}

function headersOf(m: Msg): Record<string, string[]> | undefined {
  if (!m.headers) return undefined;
  const out: Record<string, string[]> = {};
  for (const k of m.headers.keys()) out[k] = m.headers.values(k);
  return out;
}

export function startSubscriber(o: SubscriberOptions): { ready: Promise<void>; done: Promise<void> } {
  const { config: cfg, signal } = o;
  const log = o.logger.child({ eventName: o.eventName, subject: cfg.subject });
  const labels = { eventsource: o.eventSourceName, event: o.eventName };
  const received = o.metrics.received.labels(labels);
  const publishDuration = o.metrics.publishDuration.labels(labels);
  const state = upstreamState(o.eventName, labels, o.metrics, o.health);
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));
  // A slow or unreachable upstream must not hold the runtime's start: /health tells what is wrong meanwhile.
  setTimeout(() => markReady(), 10_000).unref();

  const handle = async (m: Msg) => {
    const started = performance.now();
    received.inc();
    let data: Record<string, unknown>;
    try {
      data = natsEventData({ subject: m.subject, data: m.data, headers: headersOf(m) }, cfg.jsonBody ?? false, cfg.metadata);
    } catch (e) {
      if (!(e instanceof PoisonMessage)) throw e;
      o.metrics.failed.inc({ ...labels, reason: "poison" });
      log.warn({ err: e.message, messageSubject: m.subject }, "poison message skipped");
      return;
    }
    // Core NATS has no acknowledgement: holding the message here (retrying) is all that can be done while the bus is down.
    const outcome = await storeUntilDone({ emit: o.emit, metrics: o.metrics, labels, log, signal }, { eventName: o.eventName, data });
    if (outcome === "stored") publishDuration.observe((performance.now() - started) / 1000);
  };

  /** Watches the client's reconnects: the subscription survives them (nats.js resubscribes), /health tells. */
  const watchStatus = async (nc: NatsConnection) => {
    for await (const s of nc.status()) {
      if (s.type === "disconnect") state.down(`disconnected from ${s.server}`, "disconnect");
      else if (s.type === "reconnect") state.up();
      else if (s.type === "error") log.warn({ err: String(s.error) }, "nats client error");
    }
  };

  const runOnce = async (): Promise<void> => {
    const nc = await connect({
      ...o.connection,
      name: `impulse-${o.eventSourceName}-${o.eventName}`,
      reconnect: true,
      maxReconnectAttempts: -1,
      reconnectTimeWait: Math.min(5000, reconnectDelayMs(cfg.connectionBackoff, 0, () => 0)),
    });
    const stop = () => void nc.close();
    signal.addEventListener("abort", stop, { once: true });
    try {
      void watchStatus(nc);
      const sub = nc.subscribe(cfg.subject, cfg.queue ? { queue: cfg.queue } : {});
      await nc.flush();
      state.up();
      markReady();
      log.info({ queue: cfg.queue }, "subscribed");
      for await (const m of sub) {
        if (signal.aborted) break;
        await handle(m);
      }
      const err = await nc.closed();
      if (err && !signal.aborted) throw err;
    } finally {
      signal.removeEventListener("abort", stop);
      if (!nc.isClosed()) await nc.close();
    }
  };

  const done = (async () => {
    for (let attempt = 0; !signal.aborted; attempt++) {
      try {
        await runOnce();
        attempt = 0;
      } catch (e) {
        const msg = (e as Error).message;
        state.down(msg, (e as Error).name || "connect");
        log.warn({ err: msg }, "nats connection failed; retrying with backoff");
      }
      markReady(); // a slow or failing upstream must not hold the runtime's start: /health says what is wrong
      if (!signal.aborted) await sleep(reconnectDelayMs(cfg.connectionBackoff, attempt), signal);
    }
    o.metrics.upstreamConnected.set(labels, 0);
    markReady();
  })();
  return { ready, done };
}
