// Consumes one kafka event's topic into the bus: in partition order, committing an offset only after the bus stored its event.
import { ErrorCodes, isImpulseError, type KafkaConfig } from "@impulse/api";
import type { Consumer, EachBatchPayload, Kafka, RetryOptions } from "kafkajs";
import type { Logger } from "pino";
import type { Emit } from "../../define.js";
import type { EventSourceMetrics } from "../../metrics.js";
import { planAssigner, rangePlan, roundRobinPlan, singlePartitionPlan } from "./assigners.js";
import { kafkaEventData, kafkaEventId, PoisonRecord } from "./record.js";
import { sleep } from "../shared/sleep.js";

export interface ReaderOptions {
  eventSourceName: string;
  eventName: string;
  config: KafkaConfig;
  kafka: Kafka;
  retry: RetryOptions;
  emit: Emit;
  logger: Logger;
  metrics: EventSourceMetrics;
  /** Reports this event's broker connection on /health. */
  health: (status: { healthy: boolean; error?: string }) => void;
  signal: AbortSignal;
}

class Stopped extends Error {}

const READY_GRACE_MS = 10_000;

/** Group id and assignment: the user's consumer group, or a private group that pins the one configured partition. */
function groupSettings(o: ReaderOptions) {
  const cg = o.config.consumerGroup;
  if (cg) {
    const strategy = cg.rebalanceStrategy ?? "range";
    // sticky has no kafkajs implementation; round-robin keeps the spread even (documented deviation).
    const plan = strategy === "range" ? rangePlan : roundRobinPlan;
    return { groupId: cg.groupName, assigner: planAssigner(strategy, plan), fromBeginning: cg.oldest ?? false };
  }
  const partition = o.config.partition!;
  // Offsets live in Kafka under this group, so a restart resumes where the last stored event was (Argo starts at newest).
  const groupId = `impulse.${o.eventSourceName}.${o.eventName}.partition-${partition}`;
  return { groupId, assigner: planAssigner(`impulse-partition-${partition}`, singlePartitionPlan(partition)), fromBeginning: false };
}

export function startReader(o: ReaderOptions): { ready: Promise<void>; done: Promise<void> } {
  const log = o.logger.child({ eventName: o.eventName, topic: o.config.topic });
  const labels = { eventsource: o.eventSourceName, event: o.eventName };
  const received = o.metrics.received.labels(labels);
  const publishDuration = o.metrics.publishDuration.labels(labels);
  const connected = o.metrics.upstreamConnected.labels(labels);
  const bodyOptions = { jsonBody: o.config.jsonBody ?? false, jsonPassthrough: o.config.jsonPassthrough ?? false };
  const limit = o.config.limitEventsPerSecond ?? 0;
  let nextSlot = 0;
  let healthy = false;
  /** Last time a fetch completed or a record was handled: a silent consumer is reported before kafkajs gives up. */
  let lastProgress = Date.now();
  const silentAfterMs = Math.max(15_000, limit > 0 ? 3000 / limit : 0);
  let markReady: () => void = () => {};
  const ready = new Promise<void>((r) => (markReady = r));
  // Ready once fetching (the usual case, a second or two) or failing; a slow first connection must not hold the
  // runtime's start (and its /health endpoint) for the client's whole retry sequence.
  const readyGrace = setTimeout(() => markReady(), READY_GRACE_MS);
  readyGrace.unref();
  void ready.then(() => clearTimeout(readyGrace));

  const setHealth = (ok: boolean, error?: string) => {
    if (ok === healthy && ok) return;
    healthy = ok;
    connected.set(ok ? 1 : 0);
    o.health(ok ? { healthy: true } : { healthy: false, error: error ?? "not connected" });
    markReady();
  };
  connected.set(0);
  o.health({ healthy: false, error: "connecting to brokers" });

  /** Publishes until the bus stored the event: a record is never skipped because the bus was down. */
  const emitStored = async (id: string, data: unknown, heartbeat: () => Promise<void>, stale: () => boolean) => {
    for (let attempt = 0; ; attempt++) {
      if (o.signal.aborted || stale()) throw new Stopped();
      try {
        await o.emit({ eventName: o.eventName, id, data });
        return;
      } catch (e) {
        // The bus can never take this one: counted and skipped, or the partition would stall behind it for good.
        if (isImpulseError(e) && e.code === ErrorCodes.EventTooLarge) {
          o.metrics.failed.inc({ ...labels, reason: "too_large" });
          log.warn({ eventId: id, err: e.message }, "record too large for the bus: skipped");
          return;
        }
        const busDown = isImpulseError(e) && e.code === ErrorCodes.BusUnavailable;
        o.metrics.failed.inc({ ...labels, reason: busDown ? "bus_unavailable" : "internal" });
        if (attempt === 0) log.warn({ eventId: id, err: (e as Error).message }, "event not stored yet; retrying before committing the offset");
        await sleep(Math.min(5000, 250 * 2 ** attempt), o.signal);
        await heartbeat(); // keep the partition while waiting for the bus
      }
    }
  };

  const eachBatch = async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale }: EachBatchPayload) => {
    const stale = () => !isRunning() || isStale();
    for (const m of batch.messages) {
      if (stale() || o.signal.aborted) return;
      const started = performance.now();
      lastProgress = Date.now();
      received.inc();
      if (limit > 0) {
        // Argo sleeps 1s/limit per message; a shared slot keeps the rate per event across partitions.
        const now = Date.now();
        nextSlot = Math.max(now, nextSlot) + 1000 / limit;
        await sleep(nextSlot - 1000 / limit - now, o.signal);
      }
      const id = kafkaEventId(o.eventSourceName, o.eventName, o.config.url, batch.topic, batch.partition, m.offset);
      let data: unknown;
      try {
        data = kafkaEventData({ topic: batch.topic, partition: batch.partition, ...m }, bodyOptions, o.config.metadata);
      } catch (e) {
        if (!(e instanceof PoisonRecord)) throw e;
        // A poison record is reported and skipped: the partition must not stall behind it.
        o.metrics.failed.inc({ ...labels, reason: "poison" });
        log.warn({ partition: batch.partition, offset: m.offset, err: e.message }, "poison record skipped");
        resolveOffset(m.offset);
        continue;
      }
      try {
        await emitStored(id, data, heartbeat, stale);
      } catch (e) {
        if (e instanceof Stopped) return;
        throw e;
      }
      publishDuration.observe((performance.now() - started) / 1000);
      // Only now may the offset be committed: a crash before this line re-reads the record, and the bus drops the copy.
      resolveOffset(m.offset);
      // Commits at most once a second inside a large batch, so a crash re-reads little; the rest at the batch end.
      await commitOffsetsIfNecessary();
      await heartbeat();
    }
  };

  const { groupId, assigner, fromBeginning } = groupSettings(o);

  const runOnce = async (): Promise<string | undefined> => {
    const consumer: Consumer = o.kafka.consumer({
      groupId,
      partitionAssigners: [assigner],
      sessionTimeout: 10_000,
      rebalanceTimeout: 20_000,
      heartbeatInterval: 3000,
      maxWaitTimeInMs: 1000,
      allowAutoTopicCreation: false,
      // Every failure restarts with kafkajs' backoff; a crash it will not restart from ends runOnce and a new consumer is made.
      retry: { ...o.retry, restartOnFailure: async () => true },
    });
    let fatal: ((reason: string) => void) | undefined;
    const ended = new Promise<string>((r) => (fatal = r));
    consumer.on(consumer.events.GROUP_JOIN, (e) => log.info({ groupId, memberId: e.payload.memberId, assignment: e.payload.memberAssignment }, "joined consumer group"));
    consumer.on(consumer.events.FETCH, () => {
      lastProgress = Date.now();
      setHealth(true);
    });
    consumer.on(consumer.events.CRASH, (e) => {
      const msg = e.payload.error.message;
      o.metrics.upstreamErrors.inc({ ...labels, reason: e.payload.error.name });
      log.warn({ err: msg, restart: e.payload.restart }, "kafka consumer failed; retrying with backoff");
      setHealth(false, msg);
      if (!e.payload.restart) fatal?.(msg);
    });
    const stop = () => fatal?.("stopped");
    o.signal.addEventListener("abort", stop, { once: true });
    try {
      await consumer.connect();
      await consumer.subscribe({ topic: o.config.topic, fromBeginning });
      await consumer.run({ autoCommit: true, autoCommitInterval: 1000, eachBatchAutoResolve: false, partitionsConsumedConcurrently: 16, eachBatch });
      return await ended;
    } catch (e) {
      const msg = (e as Error).message;
      o.metrics.upstreamErrors.inc({ ...labels, reason: (e as Error).name });
      setHealth(false, msg);
      return msg;
    } finally {
      o.signal.removeEventListener("abort", stop);
      await consumer.disconnect().catch(() => undefined);
    }
  };

  const watchdog = setInterval(() => {
    if (healthy && Date.now() - lastProgress > silentAfterMs) setHealth(false, `no fetch from the brokers for ${Math.round((Date.now() - lastProgress) / 1000)}s`);
  }, 1000);
  watchdog.unref();

  const done = (async () => {
    for (let attempt = 0; !o.signal.aborted; attempt++) {
      const reason = await runOnce();
      if (o.signal.aborted) break;
      if (healthy || Date.now() - lastProgress < silentAfterMs) attempt = 0;
      const wait = Math.min(30_000, 1000 * 2 ** Math.min(attempt, 5));
      log.warn({ err: reason, retryInMs: wait }, "kafka consumer stopped; starting a new one");
      await sleep(wait, o.signal);
    }
    clearInterval(watchdog);
    connected.set(0);
    markReady();
  })();
  return { ready, done };
}
