// Schema of one `spec.kafka.<eventName>` entry, with Argo Events' field names (KafkaEventSource).
import { z } from "zod";
import { SASLConfig, TLSConfig } from "../../common/security.js";
import { Backoff } from "../../common/types.js";
import { EventSourceFilter } from "./filter.js";

export const KAFKA_REBALANCE_STRATEGIES = ["range", "roundrobin", "sticky"] as const;

const unsupported = (what: string, hint: string) =>
  z
    .unknown()
    .refine(() => false, `${what} is not supported yet; ${hint}`)
    .optional()
    .describe(`${what} (not yet supported).`);

export const KafkaConsumerGroup = z
  .strictObject({
    groupName: z.string().min(1).describe("Consumer group id; replicas with the same group split the topic's partitions."),
    oldest: z.boolean().optional().describe("With no committed offset, start at the oldest record (default: the newest)."),
    rebalanceStrategy: z
      .string()
      .transform((s) => s.toLowerCase())
      .pipe(z.enum(KAFKA_REBALANCE_STRATEGIES))
      .optional()
      .describe("Partition assignment: range (default), roundrobin, or sticky (assigned round-robin in Impulse)."),
  })
  .describe("Consume as a member of a consumer group.");

export const KafkaConfig = z
  .strictObject({
    url: z
      .string()
      .min(1)
      .refine((u) => u.split(",").every((b) => /^[^\s:/,]+:\d{1,5}$/.test(b.trim())), "must be host:port, or several separated by commas")
      .describe("Comma-separated brokers (host:port). The first one is part of each event id."),
    topic: z.string().min(1).describe("Topic to consume."),
    partition: z
      .union([z.string().regex(/^\d+$/, "must be a partition number"), z.number().int().min(0)])
      .transform(Number)
      .optional()
      .describe("Consume only this partition (used when consumerGroup is not set)."),
    consumerGroup: KafkaConsumerGroup.optional(),
    limitEventsPerSecond: z.number().int().min(0).optional().describe("Publish at most this many events per second (0 = no limit)."),
    jsonBody: z.boolean().optional().describe("Records are JSON: body is the parsed record; a record that is not JSON is skipped and counted."),
    jsonPassthrough: z
      .boolean()
      .optional()
      .describe("Impulse: with jsonBody false, records that are valid JSON are embedded as JSON; others stay base64 as in Argo."),
    version: z.string().optional().describe("Kafka protocol version (accepted; the client negotiates versions with the broker)."),
    tls: TLSConfig.optional(),
    sasl: SASLConfig.optional(),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    config: z.string().optional().describe("Raw sarama configuration (accepted and ignored: Impulse does not use sarama)."),
    connectionBackoff: Backoff.optional().describe("Backoff between attempts while the brokers are unreachable (default 1s, doubling, up to 30s)."),
    filter: EventSourceFilter.optional(),
    schemaRegistry: unsupported("schemaRegistry", "send JSON records and set jsonBody: true"),
    awsMskIamAuth: unsupported("awsMskIamAuth", "use sasl with SCRAM"),
  })
  .refine((c) => c.partition !== undefined || c.consumerGroup !== undefined, {
    message: "set consumerGroup (replicas share the partitions) or partition (one partition)",
    path: ["consumerGroup"],
  })
  .describe("Records of a Kafka topic become events; offsets are committed only after the bus stored the event.");

export type KafkaConfig = z.output<typeof KafkaConfig>;
