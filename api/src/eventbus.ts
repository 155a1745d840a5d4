// The EventBus resource: a managed JetStream (controller-run) or an existing ("exotic") NATS.
import { z } from "zod";
import { Duration, resourceSchema, SecretKeySelector } from "./common/types.js";

export const StreamConfig = z
  .strictObject({
    maxMsgs: z.number().int().optional().describe("Most messages the stream keeps (default -1: no limit; Argo 50000)."),
    maxAge: Duration.optional().describe("Longest time a message is kept, a Go duration or integer nanoseconds (default 168h, as in Argo)."),
    maxBytes: z.number().int().optional().describe("Most bytes the stream keeps (default -1: no limit)."),
    replicas: z.number().int().min(1).optional().describe("Copies of the stream in the NATS cluster (default 1; Argo 3)."),
    duplicates: Duration.optional().describe("Window in which a repeated event id is dropped, a Go duration or integer nanoseconds (default 300s, as in Argo)."),
    retention: z.union([z.literal(0), z.literal(1)]).optional().describe("0 Limits, 1 Interest (WorkQueue breaks sensors and is refused)."),
    discard: z.union([z.literal(0), z.literal(1)]).optional().describe("When full: 0 drops the oldest messages, 1 refuses new ones."),
  })
  .describe("JetStream stream settings.");
export type StreamConfig = z.output<typeof StreamConfig>;

export const EventBusSpec = z
  .strictObject({
    jetstream: z
      .strictObject({
        version: z.string().optional().describe("NATS server version to run, e.g. 2.10.0."),
        replicas: z.number().int().optional().describe("NATS server pods (3 for a fault-tolerant cluster)."),
        streamConfig: StreamConfig.optional(),
        maxPayload: z.string().optional().describe("Largest message NATS accepts, e.g. 1MB (the NATS default)."),
      })
      .optional()
      .describe("A NATS JetStream StatefulSet run by the controller."),
    jetstreamExotic: z
      .strictObject({
        url: z.string().min(1).describe("NATS URL, e.g. nats://nats.example:4222."),
        accessSecret: SecretKeySelector.optional().describe("Secret holding the NATS credentials (token or user:password)."),
        streamConfig: StreamConfig.optional(),
      })
      .optional()
      .describe("An existing NATS with JetStream enabled, not managed by the controller."),
  })
  .refine((s) => (s.jetstream ? 1 : 0) + (s.jetstreamExotic ? 1 : 0) === 1, "set exactly one of jetstream or jetstreamExotic")
  .describe("Desired state: a JetStream the controller runs (jetstream) or an existing NATS (jetstreamExotic).");

export const EventBus = resourceSchema("EventBus", EventBusSpec);
export type EventBus = z.output<typeof EventBus>;
