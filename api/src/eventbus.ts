// The EventBus resource: a managed JetStream (controller-run) or an existing ("exotic") NATS.
import { z } from "zod";
import { Duration, resourceSchema, SecretKeySelector } from "./common/types.js";

export const StreamConfig = z
  .strictObject({
    maxMsgs: z.number().int().optional(),
    maxAge: Duration.optional(),
    maxBytes: z.number().int().optional(),
    replicas: z.number().int().min(1).optional(),
    duplicates: Duration.optional(),
    retention: z.union([z.literal(0), z.literal(1)]).optional().describe("0 Limits, 1 Interest (WorkQueue breaks sensors and is refused)."),
    discard: z.union([z.literal(0), z.literal(1)]).optional(),
  })
  .describe("JetStream stream settings.");
export type StreamConfig = z.output<typeof StreamConfig>;

export const EventBusSpec = z
  .strictObject({
    jetstream: z
      .strictObject({
        version: z.string().optional(),
        replicas: z.number().int().optional(),
        streamConfig: StreamConfig.optional(),
        maxPayload: z.string().optional(),
      })
      .optional(),
    jetstreamExotic: z
      .strictObject({ url: z.string().min(1), accessSecret: SecretKeySelector.optional(), streamConfig: StreamConfig.optional() })
      .optional(),
  })
  .refine((s) => (s.jetstream ? 1 : 0) + (s.jetstreamExotic ? 1 : 0) === 1, "set exactly one of jetstream or jetstreamExotic");

export const EventBus = resourceSchema("EventBus", EventBusSpec);
export type EventBus = z.output<typeof EventBus>;
