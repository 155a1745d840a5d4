// One nsq event: reads the channel from every nsqd that nsqlookupd lists, stores each message on the bus and FINishes
// it only then; a message not FINished (a crash, a stop: REQ) is handed out again by nsqd and stored once (stable id).
import type { NSQConfig } from "@impulse/api";
import type { Logger } from "pino";
import type { Emit, HealthReporter } from "../../define.js";
import type { EventSourceMetrics } from "../../metrics.js";
import { PoisonMessage } from "../shared/poison.js";
import { serialQueue } from "../shared/serial.js";
import { storeUntilDone } from "../shared/store.js";
import { upstreamState } from "../shared/upstream.js";
import { newReader, respond, type NsqMessage, type ReaderTls } from "./consumer.js";
import { nsqEventData, nsqEventId } from "./data.js";
import { runDiscovery } from "./discovery.js";

/** Messages nsqd may hand out before the first is FINished; they are stored one at a time, in order. */
const MAX_IN_FLIGHT = 10;
/** Messages waiting in the source are TOUCHed when nsqd would time them out within this, so a bus outage does not requeue them. */
const TOUCH_BEFORE_MS = 20_000;

export interface ReaderOptions {
  eventSourceName: string;
  eventName: string;
  config: NSQConfig;
  tls: ReaderTls | true | undefined;
  emit: Emit;
  logger: Logger;
  metrics: EventSourceMetrics;
  health: HealthReporter;
  signal: AbortSignal;
}

export function startReader(o: ReaderOptions): { ready: Promise<void>; done: Promise<void> } {
  const { config: cfg, signal } = o;
  const log = o.logger.child({ eventName: o.eventName, topic: cfg.topic, channel: cfg.channel });
  const labels = { eventsource: o.eventSourceName, event: o.eventName };
  const received = o.metrics.received.labels(labels);
  const publishDuration = o.metrics.publishDuration.labels(labels);
  const state = upstreamState(o.eventName, labels, o.metrics, o.health);
  const jsonBody = cfg.jsonBody ?? false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));
  setTimeout(() => markReady(), 10_000).unref();

  const reader = newReader(cfg.topic, cfg.channel, cfg.hostAddress, MAX_IN_FLIGHT, o.tls);
  reader.on("error", (e: Error) => log.debug({ err: e.message }, "nsq connection error"));
  const inHand = new Set<NsqMessage>();

  const handle = async (m: NsqMessage): Promise<void> => {
    try {
      if (signal.aborted) return void respond(m, "requeue");
      const started = performance.now();
      received.inc();
      let data: Record<string, unknown>;
      try {
        data = nsqEventData({ id: m.id, body: m.body, timestamp: m.timestamp, nsqdAddress: m.nsqdAddress ?? "" }, jsonBody, cfg.metadata);
      } catch (e) {
        if (!(e instanceof PoisonMessage)) throw e;
        o.metrics.failed.inc({ ...labels, reason: "poison" });
        log.warn({ messageId: m.id, attempts: m.attempts, err: e.message }, "poison message skipped");
        respond(m, "finish");
        return;
      }
      const id = nsqEventId(o.eventSourceName, o.eventName, cfg.topic, cfg.channel, m.id);
      const outcome = await storeUntilDone({ emit: o.emit, metrics: o.metrics, labels, log, signal }, { eventName: o.eventName, id, data });
      // A stop before the bus stored it: REQ at once so that another consumer of the channel gets it now.
      if (outcome === "stopped") return void respond(m, "requeue");
      // Only now: a crash before this line leaves the message in flight; nsqd requeues it and the bus drops the copy.
      respond(m, "finish");
      if (outcome === "stored") publishDuration.observe((performance.now() - started) / 1000);
    } finally {
      inHand.delete(m);
    }
  };
  const queue = serialQueue<NsqMessage>(handle, (e) => log.error({ err: (e as Error).message }, "nsq message handling failed"));
  reader.on("message", (m: NsqMessage) => {
    inHand.add(m);
    queue.push(m);
  });
  // Held messages (a bus outage, a queue behind a slow store) keep their place instead of timing out and coming back.
  const toucher = setInterval(() => {
    for (const m of inHand) {
      const left = m.timeUntilTimeout();
      if (left !== null && left < TOUCH_BEFORE_MS) respond(m, "touch");
    }
  }, 5_000);

  const done = (async () => {
    await runDiscovery({ reader, hostAddress: cfg.hostAddress, topic: cfg.topic, backoff: cfg.connectionBackoff, state, log, signal, onFirstLookup: markReady });
    await queue.idle();
  })().finally(() => {
    clearInterval(toucher);
    reader.close();
    o.metrics.upstreamConnected.set(labels, 0);
    markReady();
  });
  return { ready, done };
}
