// The kafka trigger: one record per firing; the firing succeeds only when the broker acknowledged it (Argo only logs errors).
import { ErrorCodes, ImpulseError, KafkaTriggerTemplate, resolveSecurity, traceHeaders } from "@impulse/api";
import type { Message, Producer, RecordMetadata } from "kafkajs";
import type { Logger } from "pino";
import { changedEndpointCheck } from "../egress/endpoints.js";
import { defineTrigger, type TriggerContext } from "./define.js";

export interface KafkaResult {
  topic: string;
  /** Where the record landed; absent when flushFrequency sent it in a batch with others. */
  partition?: number;
  offset?: string;
}

/** Firing retries come from retryStrategy; the client itself retries only briefly so a failure surfaces quickly. */
const CLIENT_RETRY = { retries: 2, initialRetryTime: 100, maxRetryTime: 2000 };

/** Kafka's codec id for gzip (kafkajs CompressionTypes.GZIP): a wire-protocol constant, known before kafkajs loads. */
const GZIP_CODEC = 1;

function quietLogs(log: Logger, logLevel: Record<number, string>) {
  return () =>
    ({ namespace, level, log: entry }: { namespace: string; level: number; log: { message: string } & Record<string, unknown> }) => {
      const { message, ...rest } = entry;
      log.debug({ kafkajs: namespace, kafkaLevel: logLevel[level], ...rest }, message);
    };
}

/** Collects the records of concurrent firings for flushFrequency ms and sends them in one request. */
class Batcher {
  private pending: { message: Message; resolve: () => void; reject: (e: unknown) => void }[] = [];
  private timer: NodeJS.Timeout | undefined;
  constructor(
    private readonly send: (messages: Message[]) => Promise<unknown>,
    private readonly delayMs: number,
  ) {}
  add(message: Message): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pending.push({ message, resolve, reject });
      this.timer ??= setTimeout(() => void this.flush(), this.delayMs);
    });
  }
  private async flush() {
    const batch = this.pending;
    this.pending = [];
    this.timer = undefined;
    try {
      await this.send(batch.map((b) => b.message));
      batch.forEach((b) => b.resolve());
    } catch (e) {
      batch.forEach((b) => b.reject(e));
    }
  }
}

function producers(ctx: TriggerContext) {
  const byUrl = new Map<string, Promise<Producer>>();
  ctx.signal.addEventListener("abort", () => void Promise.allSettled([...byUrl.values()].map(async (p) => (await p).disconnect())), { once: true });
  return (t: KafkaTriggerTemplate): Promise<Producer> => {
    let p = byUrl.get(t.url);
    if (!p) {
      p = (async () => {
        const security = await resolveSecurity(t.tls, t.sasl, ctx.secrets);
        // kafkajs is loaded by the first firing, not at start: commands without a kafka trigger never pay for it.
        const { Kafka, logLevel, Partitioners } = await import("kafkajs");
        const kafka = new Kafka({
          clientId: `impulse-${ctx.sensorName}-${ctx.triggerName}`,
          brokers: t.url.split(",").map((b) => b.trim()),
          ...security,
          connectionTimeout: 3000,
          retry: CLIENT_RETRY,
          logCreator: quietLogs(ctx.logger, logLevel),
        });
        // The Java client's murmur2 partitioner: the same key lands where Java producers put it.
        const producer = kafka.producer({ createPartitioner: Partitioners.DefaultPartitioner, retry: CLIENT_RETRY });
        await producer.connect();
        return producer;
      })();
      byUrl.set(t.url, p);
      // A failed connect is not cached: the next firing tries again.
      p.catch(() => byUrl.delete(t.url));
    }
    return p;
  };
}

export const kafka = defineTrigger({
  type: "kafka",
  templateSchema: KafkaTriggerTemplate,
  hasPayload: true,
  supportsTls: true,
  create(ctx) {
    const producerFor = producers(ctx);
    const batchers = new Map<string, Batcher>();
    const sendOptions = (t: KafkaTriggerTemplate) => ({
      topic: t.topic,
      // Argo turns 0 into WaitForAll; so does Impulse, and a firing never succeeds unacknowledged.
      acks: t.requiredAcks === 1 ? 1 : -1,
      ...(t.compress ? { compression: GZIP_CODEC } : {}),
    });
    // Without the spec's template (an executor used directly, not by a Sensor) there is no configured value to compare.
    const checkBrokers = ctx.template ? changedEndpointCheck(ctx.egress) : undefined;
    const configuredUrl = ctx.template?.kafka?.url;
    return {
      async execute({ template: t, payload, idempotencyKey, replay, trace }): Promise<KafkaResult> {
        await checkBrokers?.(configuredUrl, t.url, (url) => url.split(",").map((b) => `kafka://${b.trim()}`));
        const headers: Record<string, string> = { "idempotency-key": idempotencyKey, ...(replay ? { "impulse-replay": replay } : {}), ...(trace ? traceHeaders(trace) : {}), ...(t.headers ?? {}) };
        for (const h of t.secureHeaders ?? []) {
          const ref = h.valueFrom.secretKeyRef ?? h.valueFrom.configMapKeyRef;
          if (ref) headers[h.name] = await ctx.secrets(ref);
        }
        const message: Message = {
          key: t.partitioningKey ?? null,
          value: JSON.stringify(payload ?? {}),
          headers,
          ...(t.partition !== undefined ? { partition: t.partition } : {}),
        };
        try {
          const producer = await producerFor(t);
          if (t.flushFrequency) {
            const key = JSON.stringify([t.url, t.topic, t.requiredAcks, t.compress, t.flushFrequency]);
            let b = batchers.get(key);
            if (!b) batchers.set(key, (b = new Batcher((messages) => producer.send({ ...sendOptions(t), messages }), t.flushFrequency)));
            await b.add(message);
            return { topic: t.topic };
          }
          const [meta] = (await producer.send({ ...sendOptions(t), messages: [message] })) as RecordMetadata[];
          return { topic: t.topic, ...(meta ? { partition: meta.partition, offset: String(meta.baseOffset ?? meta.offset) } : {}) };
        } catch (e) {
          throw new ImpulseError(ErrorCodes.TriggerFailed, `produce to ${t.topic} at ${t.url}: ${(e as Error).message}`, { retryable: true, cause: e });
        }
      },
    };
  },
  applyPolicy() {},
  span: (t) => ({
    name: `send ${t.topic}`,
    kind: "producer",
    attributes: { "messaging.system": "kafka", "messaging.operation.type": "send", "messaging.operation.name": "send", "messaging.destination.name": t.topic, "server.address": t.url.split(",")[0]?.trim().split(":")[0] },
  }),
  spanResult: (r) => (r.partition !== undefined ? { "messaging.destination.partition.id": String(r.partition), "messaging.kafka.offset": Number(r.offset) } : {}),
  describe: (r) => (r.partition !== undefined ? `kafka ${r.topic}/${r.partition}@${r.offset}` : `kafka ${r.topic}`),
});
