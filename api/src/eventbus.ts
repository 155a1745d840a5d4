// The EventBus resource: a managed JetStream (controller-run) or an existing ("exotic") NATS.
import { parse as parseYaml } from "yaml";
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

/**
 * Argo writes streamConfig as a YAML string (`streamConfig: |`); Impulse also takes a mapping. Both are checked
 * field by field with the same schema, and errors name the field inside the string.
 */
const StreamConfigField = z
  .union([z.string(), z.looseObject({})])
  .pipe(
    z.preprocess((v, ctx) => {
      if (typeof v !== "string") return v;
      try {
        return parseYaml(v) ?? {};
      } catch (e) {
        ctx.addIssue({ code: "custom", message: `is not valid YAML: ${(e as Error).message.split("\n")[0]}` });
        return v;
      }
    }, StreamConfig),
  )
  .describe("JetStream stream settings: a mapping, or Argo's YAML string (streamConfig: |).");

/** Argo EventBus kinds Impulse does not run, with what to use instead. */
export const UNSUPPORTED_BUS_TYPES: Record<string, string> = {
  nats: "NATS Streaming EventBus (nats.native / nats.exotic) is not supported: NATS Streaming is end-of-life; use jetstream (a JetStream the controller runs) or jetstreamExotic (an existing NATS)",
  kafka: "Kafka EventBus is not supported: use jetstream or jetstreamExotic",
};

export const Persistence = z
  .strictObject({
    storageClassName: z.string().min(1).optional().describe("StorageClass of the volumes (default: the cluster's default class)."),
    accessMode: z.enum(["ReadWriteOnce", "ReadWriteMany", "ReadWriteOncePod"]).optional().describe("Access mode of the volumes (default ReadWriteOnce)."),
    volumeSize: z
      .string()
      .regex(/^\d+(\.\d+)?(Ki|Mi|Gi|Ti|Pi|K|M|G|T|P)?$/, "must be a Kubernetes quantity like 20Gi")
      .optional()
      .describe("Size of each server's volume (default 20Gi, as in Argo)."),
  })
  .describe("JetStream storage on PersistentVolumeClaims (one per server, from the StatefulSet's volumeClaimTemplates) instead of an emptyDir that dies with the pod.");

/** Defaults of the event journal (docs/events.md): a few days of history, bounded so it never crowds out the events. */
export const DEFAULT_JOURNAL = { maxAgeMs: 72 * 3600_000, maxBytes: 256 * 1024 * 1024 } as const;

export const JournalSpec = z
  .strictObject({
    enabled: z.boolean().optional().describe("Record every event's journey (default true); false writes nothing."),
    maxAge: Duration.optional().describe("Longest time a journal record is kept, a Go duration (default 72h)."),
    maxBytes: z.number().int().min(-1).optional().describe("Most bytes the journal keeps; the oldest records go first (default 268435456, 256 MiB; -1 no limit)."),
  })
  .describe("The event journal (Impulse only): what happened to each event, read by `impulse events`. Best-effort: a full journal drops its oldest records, never events.");
export type JournalSpec = z.output<typeof JournalSpec>;

export const EventBusSpec = z
  .strictObject({
    journal: JournalSpec.optional(),
    jetstream: z
      .strictObject({
        version: z.string().optional().describe("NATS server version to run, e.g. 2.10.0."),
        replicas: z.number().int().optional().describe("NATS server pods (3 for a fault-tolerant cluster)."),
        streamConfig: StreamConfigField.optional(),
        persistence: Persistence.optional(),
        maxPayload: z.string().optional().describe("Largest message NATS accepts, e.g. 1MB (the NATS default)."),
      })
      .optional()
      .describe("A NATS JetStream StatefulSet run by the controller."),
    jetstreamExotic: z
      .strictObject({
        url: z.string().min(1).describe("NATS URL, e.g. nats://nats.example:4222."),
        accessSecret: SecretKeySelector.optional().describe("Secret holding the NATS credentials (token or user:password)."),
        streamConfig: StreamConfigField.optional(),
      })
      .optional()
      .describe("An existing NATS with JetStream enabled, not managed by the controller."),
  })
  .refine((s) => (s.jetstream ? 1 : 0) + (s.jetstreamExotic ? 1 : 0) === 1, "set exactly one of jetstream or jetstreamExotic")
  .describe("Desired state: a JetStream the controller runs (jetstream) or an existing NATS (jetstreamExotic).");

export const EventBus = resourceSchema("EventBus", EventBusSpec);
export type EventBus = z.output<typeof EventBus>;
