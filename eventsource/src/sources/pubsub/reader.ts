// One pubSub event: pulls its subscription (streaming pull), stores each message on the bus and acknowledges it only
// then; a message not acknowledged (a crash, a stop: nack) is redelivered by Pub/Sub and stored once (stable id).
import type { PubSubConfig } from "@impulse/api";
import type { Message, PubSub, Subscription } from "@google-cloud/pubsub";
import type { Logger } from "pino";
import type { Emit, HealthReporter } from "../../define.js";
import type { EventSourceMetrics } from "../../metrics.js";
import { reconnectDelayMs } from "../shared/backoff.js";
import { PoisonMessage } from "../shared/poison.js";
import { serialQueue } from "../shared/serial.js";
import { sleep } from "../shared/sleep.js";
import { storeUntilDone } from "../shared/store.js";
import { upstreamState } from "../shared/upstream.js";
import { pubSubEventData, pubSubEventId } from "./data.js";
import { ensureSubscription, type SubscriptionTarget } from "./subscription.js";

/** Messages the client may hold unacknowledged (leases extended by the client); they are stored one at a time, in order. */
const MAX_MESSAGES = 10;
/** How often the subscription is checked (GetSubscription) to show an outage the client's own retries would hide. */
const PROBE_EVERY_MS = 5_000;
const CALL_TIMEOUT_MS = 10_000;
const NOT_FOUND = 5;

export interface ReaderOptions {
  eventSourceName: string;
  eventName: string;
  config: PubSubConfig;
  client: PubSub;
  target: SubscriptionTarget;
  emit: Emit;
  logger: Logger;
  metrics: EventSourceMetrics;
  health: HealthReporter;
  signal: AbortSignal;
}

export function startReader(o: ReaderOptions): { ready: Promise<void>; done: Promise<void> } {
  const { config: cfg, client, target, signal } = o;
  const log = o.logger.child({ eventName: o.eventName, subscription: target.subscription });
  const labels = { eventsource: o.eventSourceName, event: o.eventName };
  const received = o.metrics.received.labels(labels);
  const publishDuration = o.metrics.publishDuration.labels(labels);
  const state = upstreamState(o.eventName, labels, o.metrics, o.health);
  const jsonBody = cfg.jsonBody ?? false;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));
  setTimeout(() => markReady(), 10_000).unref();

  const handle = async (m: Message): Promise<void> => {
    // A stop before the bus stored it: nack so that Pub/Sub redelivers it at once (to the next reader).
    if (signal.aborted) return m.nack();
    const started = performance.now();
    received.inc();
    let data: Record<string, unknown>;
    try {
      data = pubSubEventData({ id: m.id, data: m.data, attributes: m.attributes ?? {}, publishTimeNanos: m.publishTime.getFullTime() }, jsonBody, cfg.metadata);
    } catch (e) {
      if (!(e instanceof PoisonMessage)) throw e;
      o.metrics.failed.inc({ ...labels, reason: "poison" });
      log.warn({ messageId: m.id, deliveryAttempt: m.deliveryAttempt, err: e.message }, "poison message skipped");
      // Acknowledged (Argo nacks it, so it comes back forever); a dead-letter policy on the subscription is the place to keep it.
      return m.ack();
    }
    const id = pubSubEventId(o.eventSourceName, o.eventName, target.subscription, m.id);
    const outcome = await storeUntilDone({ emit: o.emit, metrics: o.metrics, labels, log, signal }, { eventName: o.eventName, id, data });
    if (outcome === "stopped") return m.nack();
    // Only now: a crash before this line leaves it unacknowledged; it is redelivered after its ack deadline, stored once.
    m.ack();
    if (outcome === "stored") publishDuration.observe((performance.now() - started) / 1000);
  };
  const queue = serialQueue<Message>(handle, (e) => log.error({ err: (e as Error).message }, "pubsub message handling failed"));

  /** Watches one open subscription until it fails for good (its error event, or it no longer exists) or the source stops. */
  const watch = async (sub: Subscription, failed: Promise<Error>): Promise<Error | undefined> => {
    for (;;) {
      const r = await Promise.race([failed.then((e) => ({ e })), sleep(PROBE_EVERY_MS, signal).then(() => undefined)]);
      if (r) return r.e;
      if (signal.aborted) return undefined;
      try {
        await sub.getMetadata({ timeout: CALL_TIMEOUT_MS, maxRetries: 0 });
        if (!state.healthy) log.info("reading the subscription again");
        state.up();
      } catch (e) {
        if ((e as { code?: number }).code === NOT_FOUND) return e as Error;
        const msg = (e as Error).message.split("\n")[0]!;
        if (state.healthy) log.warn({ err: msg }, "pubsub unreachable; the client retries");
        state.down(msg, state.healthy ? "read" : undefined);
      }
    }
  };

  const done = (async () => {
    let attempt = 0;
    while (!signal.aborted) {
      try {
        await ensureSubscription(client, target, CALL_TIMEOUT_MS);
      } catch (e) {
        if (signal.aborted) break;
        const msg = (e as Error).message.split("\n")[0]!;
        if (state.healthy || attempt === 0) log.warn({ err: msg }, "pubsub subscription not usable; retrying with backoff");
        state.down(msg, state.healthy ? "subscribe" : undefined);
        markReady();
        await sleep(reconnectDelayMs(undefined, attempt++), signal);
        continue;
      }
      const sub = client.subscription(target.subscription, { flowControl: { maxMessages: MAX_MESSAGES, allowExcessMessages: false }, closeOptions: { behavior: "NACK" } });
      const failed = new Promise<Error>((resolve) => sub.on("error", resolve));
      sub.on("message", (m: Message) => queue.push(m));
      state.up();
      markReady();
      attempt = 0;
      const err = await watch(sub, failed);
      // Held messages are nacked (the source stops) before the stream closes, so their nacks are sent.
      if (signal.aborted) await queue.idle();
      sub.removeAllListeners("message");
      await sub.close().catch(() => undefined);
      if (signal.aborted || !err) break;
      const msg = err.message.split("\n")[0]!;
      log.warn({ err: msg }, "pubsub subscription failed; reopening with backoff");
      state.down(msg, state.healthy ? "read" : undefined);
      await sleep(reconnectDelayMs(undefined, attempt++), signal);
    }
    await queue.idle();
    if (cfg.deleteSubscriptionOnFinish) {
      await client
        .subscription(target.subscription)
        .delete({ timeout: CALL_TIMEOUT_MS })
        .then(() => log.info("subscription deleted (deleteSubscriptionOnFinish)"))
        .catch((e: Error) => log.warn({ err: e.message }, "subscription not deleted"));
    }
  })().finally(() => {
    o.metrics.upstreamConnected.set(labels, 0);
    markReady();
  });
  return { ready, done };
}
