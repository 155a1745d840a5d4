// One azureQueueStorage event: receives messages (hidden for a visibility timeout), stores each on the bus and deletes it
// from the queue only then. A message not deleted (a crash, a stop) becomes visible again and is stored once (stable id).
import type { AzureQueueStorageConfig } from "@impulse/api";
import type { QueueClient } from "@azure/storage-queue";
import type { Logger } from "pino";
import type { Emit, HealthReporter } from "../../define.js";
import type { EventSourceMetrics } from "../../metrics.js";
import { reconnectDelayMs } from "../shared/backoff.js";
import { PoisonMessage } from "../shared/poison.js";
import { sleep } from "../shared/sleep.js";
import { storeUntilDone } from "../shared/store.js";
import { upstreamState } from "../shared/upstream.js";
import { azureQueueEventData, azureQueueEventId } from "./data.js";

/** Messages per receive (the service's most is 32; Argo reads 10). */
const BATCH = 10;
/**
 * Seconds a received message stays hidden. Shorter than Argo's 120 so that a crashed process's messages come back
 * soon; a message whose store outlasts it is read again later and the bus drops the copy (same id).
 */
export const VISIBILITY_TIMEOUT_S = 30;

export interface ReaderOptions {
  eventSourceName: string;
  eventName: string;
  config: AzureQueueStorageConfig;
  client: QueueClient;
  emit: Emit;
  logger: Logger;
  metrics: EventSourceMetrics;
  health: HealthReporter;
  signal: AbortSignal;
}

interface Received {
  messageId: string;
  popReceipt: string;
  messageText: string;
  insertedOn: Date;
  dequeueCount: number;
}

export function startReader(o: ReaderOptions): { ready: Promise<void>; done: Promise<void> } {
  const { config: cfg, client, signal } = o;
  const log = o.logger.child({ eventName: o.eventName, queue: cfg.queueName });
  const labels = { eventsource: o.eventSourceName, event: o.eventName };
  const received = o.metrics.received.labels(labels);
  const publishDuration = o.metrics.publishDuration.labels(labels);
  const state = upstreamState(o.eventName, labels, o.metrics, o.health);
  const bodyOptions = { jsonBody: cfg.jsonBody ?? false, decodeMessage: cfg.decodeMessage ?? false };
  const waitMs = (cfg.waitTimeInSeconds ?? 3) * 1000;
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));
  setTimeout(() => markReady(), 10_000).unref();

  const remove = async (m: Received) => {
    try {
      await client.deleteMessage(m.messageId, m.popReceipt, { abortSignal: signal });
    } catch (e) {
      // A stale pop receipt (the message outlived its visibility timeout): it comes back, and the bus drops the copy.
      if (!signal.aborted) log.warn({ messageId: m.messageId, err: (e as Error).message }, "message not deleted; it will be read again");
    }
  };

  /** Stores one message, then deletes it; returns false when the source is stopping (the message comes back). */
  const handle = async (m: Received): Promise<boolean> => {
    const started = performance.now();
    received.inc();
    let data: Record<string, unknown>;
    try {
      data = azureQueueEventData(m, bodyOptions, cfg.metadata);
    } catch (e) {
      if (!(e instanceof PoisonMessage)) throw e;
      o.metrics.failed.inc({ ...labels, reason: "poison" });
      // With dlq (as Argo) the message stays: it reappears with a growing dequeueCount for a dead-letter process to move.
      log.warn({ messageId: m.messageId, dequeueCount: m.dequeueCount, dlq: cfg.dlq ?? false, err: e.message }, "poison message skipped");
      if (!cfg.dlq) await remove(m);
      return true;
    }
    const id = azureQueueEventId(o.eventSourceName, o.eventName, client.accountName, cfg.queueName, m.messageId);
    const outcome = await storeUntilDone({ emit: o.emit, metrics: o.metrics, labels, log, signal }, { eventName: o.eventName, id, data });
    if (outcome === "stopped") return false;
    // Only now: a crash before this line leaves the message on the queue, to be read again (the bus drops the copy).
    await remove(m);
    if (outcome === "stored") publishDuration.observe((performance.now() - started) / 1000);
    return true;
  };

  const done = (async () => {
    let attempt = 0;
    while (!signal.aborted) {
      let batch: Received[];
      try {
        const res = await client.receiveMessages({ numberOfMessages: BATCH, visibilityTimeout: VISIBILITY_TIMEOUT_S, abortSignal: signal });
        batch = res.receivedMessageItems;
        if (!state.healthy) log.info("reading the queue");
        state.up();
        markReady();
        attempt = 0;
      } catch (e) {
        if (signal.aborted) break;
        const msg = (e as Error).message;
        if (state.healthy) log.warn({ err: msg }, "azure queue receive failed; retrying with backoff");
        state.down(msg.split("\n")[0]!, state.healthy ? "read" : undefined);
        markReady();
        await sleep(reconnectDelayMs(undefined, attempt++), signal);
        continue;
      }
      for (const m of batch) if (!(await handle(m))) return;
      if (batch.length === 0) await sleep(waitMs, signal);
    }
  })().finally(() => {
    o.metrics.upstreamConnected.set(labels, 0);
    markReady();
  });
  return { ready, done };
}
