// Consumes one amqp event's queue into the bus: declare, bind, consume with manual acks; ack only after the bus stored the event.
import type { AMQPConfig } from "@impulse/api";
import { connect, type Channel, type ChannelModel, type ConsumeMessage } from "amqplib";
import type { Logger } from "pino";
import type { Emit, HealthReporter } from "../../define.js";
import type { EventSourceMetrics } from "../../metrics.js";
import { reconnectDelayMs } from "../shared/backoff.js";
import { PoisonMessage } from "../shared/poison.js";
import { sleep } from "../shared/sleep.js";
import { storeUntilDone } from "../shared/store.js";
import { upstreamState } from "../shared/upstream.js";
import type { AmqpTarget } from "./connect.js";
import { declareSettings } from "./declare.js";
import { amqpEventData, amqpEventId } from "./message.js";

export interface AmqpReaderOptions {
  eventSourceName: string;
  eventName: string;
  config: AMQPConfig;
  target: AmqpTarget;
  emit: Emit;
  logger: Logger;
  metrics: EventSourceMetrics;
  health: HealthReporter;
  signal: AbortSignal;
}

/** Messages the broker hands out before the first is acknowledged: bounds what a crash redelivers and what a bus outage holds. */
const PREFETCH = 64;
const READY_GRACE_MS = 10_000;

export function startAmqpReader(o: AmqpReaderOptions): { ready: Promise<void>; done: Promise<void> } {
  const log = o.logger.child({ eventName: o.eventName, exchange: o.config.exchangeName, url: o.target.display });
  const labels = { eventsource: o.eventSourceName, event: o.eventName };
  const received = o.metrics.received.labels(labels);
  const publishDuration = o.metrics.publishDuration.labels(labels);
  const jsonBody = o.config.jsonBody ?? false;
  const settings = declareSettings(o.config);
  if (o.config.consume?.autoAck) log.warn("consume.autoAck is ignored: a message is acknowledged only after the bus stored its event");
  if (settings.queue.exclusive || !settings.queueName)
    log.warn(
      { queue: settings.queueName || "(broker-named)" },
      "the queue is exclusive or broker-named: it goes away with the connection, so messages published while the source is down are lost; declare a named, non-exclusive, durable queue for at-least-once",
    );

  const state = upstreamState(o.eventName, labels, o.metrics, o.health);
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));
  // Ready once consuming or failing: a slow first connection must not hold the runtime's start (and /health).
  setTimeout(() => markReady(), READY_GRACE_MS).unref();

  /** One message, start to end: event stored (or filtered, or poison) → ack / nack; stopped → left for redelivery. */
  const handle = async (ch: Channel, m: ConsumeMessage, open: () => boolean) => {
    const started = performance.now();
    received.inc();
    let data: unknown;
    try {
      data = amqpEventData(m, jsonBody, o.config.metadata);
    } catch (e) {
      if (!(e instanceof PoisonMessage)) throw e;
      // Dropped, not requeued: a dead-letter exchange on the queue (x-dead-letter-exchange) keeps it for inspection.
      o.metrics.failed.inc({ ...labels, reason: "poison" });
      log.warn({ messageId: m.properties.messageId, deliveryTag: m.fields.deliveryTag, err: e.message }, "poison message skipped (nacked without requeue)");
      ch.nack(m, false, false);
      return;
    }
    const id = amqpEventId(m);
    const outcome = await storeUntilDone(
      { emit: o.emit, metrics: o.metrics, labels, log, signal: o.signal, abandon: () => !open() },
      { eventName: o.eventName, data, ...(id ? { id } : {}) },
    );
    // Stopping, or the channel is gone: unacked, the broker redelivers it (same message id: stored once).
    if (outcome === "stopped" || !open()) return;
    if (outcome === "too_large") ch.nack(m, false, false);
    else ch.ack(m);
    if (outcome === "stored") publishDuration.observe((performance.now() - started) / 1000);
  };

  /** One connection's life: resolves with why it ended. */
  const runOnce = async (): Promise<string> => {
    let model: ChannelModel | undefined;
    try {
      model = await connect(o.target.url, o.target.socketOptions);
      let closed: (why: string) => void = () => {};
      const ended = new Promise<string>((r) => (closed = r));
      let open = true;
      model.on("error", (e: Error) => log.debug({ err: e.message }, "amqp connection error"));
      model.on("close", (e?: Error) => {
        open = false;
        closed(e?.message ?? "connection closed by the broker");
      });
      model.on("blocked", (reason: string) => log.warn({ reason }, "the broker blocked the connection"));
      const ch = await model.createChannel();
      ch.on("error", (e: Error) => log.debug({ err: e.message }, "amqp channel error"));
      ch.on("close", () => {
        open = false;
        closed("channel closed");
      });
      await ch.assertExchange(o.config.exchangeName, o.config.exchangeType, settings.exchange);
      const q = await ch.assertQueue(settings.queueName, settings.queue);
      await ch.bindQueue(q.queue, o.config.exchangeName, o.config.routingKey);
      await ch.prefetch(PREFETCH);
      // One message at a time, in delivery order: the next waits while the bus holds up this one.
      let chain = Promise.resolve();
      const consumer = await ch.consume(
        q.queue,
        (m) => {
          if (!m) return closed("the broker cancelled the consumer (queue deleted?)");
          chain = chain.then(() => handle(ch, m, () => open)).catch((e: unknown) => {
            log.error({ err: (e as Error).message }, "amqp message handling failed; reconnecting");
            void model?.close().catch(() => undefined);
          });
        },
        settings.consume,
      );
      log.info({ queue: q.queue, consumerTag: consumer.consumerTag }, "consuming");
      state.up();
      markReady();
      const stop = () => closed("stopped");
      o.signal.addEventListener("abort", stop, { once: true });
      const why = await ended;
      o.signal.removeEventListener("abort", stop);
      if (o.signal.aborted && open) {
        // Stop taking messages, let the one in hand finish (ack or hold), then close: unacked ones go back to the queue.
        await ch.cancel(consumer.consumerTag).catch(() => undefined);
        await chain;
      }
      return why;
    } catch (e) {
      return (e as Error).message;
    } finally {
      await model?.close().catch(() => undefined);
    }
  };

  const done = (async () => {
    for (let attempt = 0; !o.signal.aborted; attempt++) {
      const why = await runOnce();
      if (o.signal.aborted) break;
      if (state.healthy) attempt = 0;
      state.down(why, state.healthy ? "disconnected" : "connect_failed");
      markReady();
      const wait = reconnectDelayMs(o.config.connectionBackoff, attempt);
      log.warn({ err: why, retryInMs: wait }, "amqp connection lost or refused; reconnecting");
      await sleep(wait, o.signal);
    }
    state.down("stopped");
    markReady();
  })();
  return { ready, done };
}
