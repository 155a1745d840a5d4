// Schemas of `spec.redis.<eventName>` (pub/sub) and `spec.redisStream.<eventName>` entries, with Argo Events' field names.
import { z } from "zod";
import { TLSConfig } from "../../common/security.js";
import { SecretKeySelector } from "../../common/types.js";
import { EventSourceFilter } from "./filter.js";

const hostAddress = z
  .string()
  .min(1)
  .regex(/^[^\s:/]+:\d{1,5}$/, "must be host:port")
  .describe("Redis server address, host:port.");
const connection = {
  hostAddress,
  password: SecretKeySelector.optional().describe("Secret key holding the password (AUTH)."),
  username: z.string().optional().describe("ACL user name (Redis 6+), with password."),
  db: z.number().int().min(0).optional().describe("Database number (default 0)."),
  tls: TLSConfig.optional(),
  metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
  filter: EventSourceFilter.optional(),
};

export const RedisConfig = z
  .strictObject({
    ...connection,
    namespace: z.string().optional().describe("Namespace of the password Secret (accepted for Argo compatibility; Impulse reads the EventSource's own)."),
    channels: z
      .array(z.string().min(1))
      .min(1, "name at least one channel")
      .describe("Channels to subscribe to; a name with a glob character (*, ?, [) is a pattern (PSUBSCRIBE)."),
    jsonBody: z.boolean().optional().describe("Messages are JSON: body is the parsed message; a message that is not JSON is skipped and counted."),
  })
  .describe("Messages published on Redis channels become events. At-most-once: Redis pub/sub keeps nothing for a subscriber that is not connected.");
export type RedisConfig = z.output<typeof RedisConfig>;

export const RedisStreamConfig = z
  .strictObject({
    ...connection,
    streams: z.array(z.string().min(1)).min(1, "name at least one stream").describe("Streams to read through one consumer group (created at the stream's end when missing)."),
    maxMsgCountPerRead: z.number().int().min(1).optional().describe("Most entries read per stream in one XREADGROUP (default 10)."),
    consumerGroup: z.string().min(1).optional().describe("Consumer group created on every stream (default argo-events-cg)."),
  })
  .describe("Entries of Redis streams become events, acknowledged (XACK) only after the bus stored them. At-least-once.");
export type RedisStreamConfig = z.output<typeof RedisStreamConfig>;
