// One sqs event: long-polls its queue, deletes a message only after the bus stored it, and keeps messages it holds hidden
// (ChangeMessageVisibility) while the bus is down, so other readers do not take them meanwhile.
import type { Message, SQSClient } from "@aws-sdk/client-sqs";
import type { SQSConfig } from "@impulse/api";
import type { Logger } from "pino";
import type { Emit, HealthReporter, SecretResolver } from "../../define.js";
import type { EventSourceMetrics } from "../../metrics.js";
import { reconnectDelayMs } from "../shared/backoff.js";
import { PoisonMessage } from "../shared/poison.js";
import { sleep } from "../shared/sleep.js";
import { storeUntilDone } from "../shared/store.js";
import { upstreamState } from "../shared/upstream.js";
import { DEFAULT_WAIT_SECONDS, newSqsClient, type OwnedClient } from "./client.js";
import { sqsEventData, sqsEventId } from "./data.js";

/** Argo's defaults: 120 s visibility, 10 messages per receive (SQS's maximum). */
export const DEFAULT_VISIBILITY_SECONDS = 120;
const BATCH = 10;

export interface ReaderOptions {
  eventSourceName: string;
  eventName: string;
  config: SQSConfig;
  secrets: SecretResolver;
  emit: Emit;
  logger: Logger;
  metrics: EventSourceMetrics;
  health: HealthReporter;
  signal: AbortSignal;
}

const errorName = (e: unknown) => (e as { name?: string }).name ?? "";
const isMissingQueue = (e: unknown) => /QueueDoesNotExist|NonExistentQueue/.test(errorName(e)) || /NonExistentQueue|does not exist/i.test((e as Error).message ?? "");

export function startReader(o: ReaderOptions): { ready: Promise<void>; done: Promise<void> } {
  const { config: cfg, signal } = o;
  const wait = cfg.waitTimeSeconds || DEFAULT_WAIT_SECONDS;
  const visibility = cfg.visibilityTimeout ?? DEFAULT_VISIBILITY_SECONDS;
  const log = o.logger.child({ eventName: o.eventName, queue: cfg.queue });
  const labels = { eventsource: o.eventSourceName, event: o.eventName };
  const received = o.metrics.received.labels(labels);
  const publishDuration = o.metrics.publishDuration.labels(labels);
  const state = upstreamState(o.eventName, labels, o.metrics, o.health);
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));
  setTimeout(() => markReady(), 10_000).unref();

  let owned: OwnedClient | undefined;
  let queueUrl: string | undefined;
  const dropClient = () => {
    owned?.destroy();
    owned = undefined;
    queueUrl = undefined;
  };

  const remove = async (client: SQSClient, m: Message) => {
    const { DeleteMessageCommand } = await import("@aws-sdk/client-sqs");
    await client.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
  };

  /** Stores one message, then deletes it; returns false when the source is stopping (the message reappears after its timeout). */
  const handle = async (client: SQSClient, m: Message): Promise<boolean> => {
    const started = performance.now();
    received.inc();
    const messageId = m.MessageId ?? "";
    let data: Record<string, unknown>;
    try {
      data = sqsEventData(m, cfg.jsonBody ?? false, cfg.metadata);
    } catch (e) {
      if (!(e instanceof PoisonMessage)) throw e;
      o.metrics.failed.inc({ ...labels, reason: "poison" });
      // With dlq the message stays: once received maxReceiveCount times, the queue's redrive policy moves it aside.
      log.warn({ messageId, err: e.message, dlq: cfg.dlq ?? false }, cfg.dlq ? "poison message left for the dead-letter queue" : "poison message skipped (deleted)");
      if (!cfg.dlq) await remove(client, m);
      return true;
    }
    const id = sqsEventId(o.eventSourceName, o.eventName, cfg.queue, messageId);
    const outcome = await storeUntilDone({ emit: o.emit, metrics: o.metrics, labels, log, signal }, { eventName: o.eventName, id, data });
    if (outcome === "stopped") return false;
    if (outcome === "too_large" && cfg.dlq) return true;
    // Only now: a crash before this line leaves the message on the queue, received again later (the bus drops the copy).
    await remove(client, m);
    if (outcome === "stored") publishDuration.observe((performance.now() - started) / 1000);
    return true;
  };

  /** While a batch is handled (a bus outage may take long), its unhandled messages stay hidden from other readers. */
  const keepHidden = (client: SQSClient, pending: Set<Message>) => {
    const timer = setInterval(
      () => {
        void (async () => {
          const { ChangeMessageVisibilityCommand } = await import("@aws-sdk/client-sqs");
          for (const m of pending) {
            await client
              .send(new ChangeMessageVisibilityCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle, VisibilityTimeout: visibility }))
              .catch((e: Error) => log.debug({ messageId: m.MessageId, err: e.message }, "could not extend a held message's visibility"));
          }
        })();
      },
      Math.max(500, (visibility * 1000) / 2),
    );
    timer.unref();
    return () => clearInterval(timer);
  };

  const done = (async () => {
    let attempt = 0;
    while (!signal.aborted) {
      try {
        owned ??= await newSqsClient(cfg, o.secrets, o.eventSourceName, o.eventName);
        const { client } = owned;
        const sqs = await import("@aws-sdk/client-sqs");
        if (!queueUrl) {
          const out = await client.send(
            new sqs.GetQueueUrlCommand({ QueueName: cfg.queue, ...(cfg.queueAccountId ? { QueueOwnerAWSAccountId: cfg.queueAccountId } : {}) }),
            { abortSignal: signal },
          );
          if (!out.QueueUrl) throw new Error(`GetQueueUrl returned no URL for ${cfg.queue}`);
          queueUrl = out.QueueUrl;
          log.info({ queueUrl }, "reading the queue");
        }
        state.up();
        markReady();
        attempt = 0;
        const res = await client.send(
          new sqs.ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: BATCH,
            WaitTimeSeconds: wait,
            VisibilityTimeout: visibility,
            MessageAttributeNames: ["All"],
          }),
          { abortSignal: signal },
        );
        const messages = res.Messages ?? [];
        if (messages.length === 0) continue;
        const pending = new Set(messages);
        const stopKeeping = keepHidden(client, pending);
        try {
          for (const m of messages) {
            if (!(await handle(client, m))) return;
            pending.delete(m);
          }
        } finally {
          stopKeeping();
        }
      } catch (e) {
        if (signal.aborted) break;
        const msg = (e as Error).message;
        // The queue was deleted and created again (or the server lost it): resolve its URL again.
        if (isMissingQueue(e)) queueUrl = undefined;
        // Temporary credentials expired: read the Secrets again with a new client, as Argo does.
        if (errorName(e) === "ExpiredToken" || errorName(e) === "ExpiredTokenException") dropClient();
        if (state.healthy) log.warn({ err: msg }, "sqs request failed; retrying with backoff");
        state.down(msg, state.healthy ? "receive" : undefined);
        markReady();
        await sleep(reconnectDelayMs(undefined, attempt++), signal);
      }
    }
  })().finally(() => {
    dropClient();
    o.metrics.upstreamConnected.set(labels, 0);
    markReady();
  });
  return { ready, done };
}
