// The CloudEvent envelope as it travels on the bus (JSON structured mode), Argo-style attributes.
import { randomUUID } from "node:crypto";
import { z } from "zod";

export interface ImpulseEvent<D = unknown> {
  specversion: "1.0";
  /** 32 lowercase hex characters for generated ids; an ingested CloudEvent keeps its own. */
  id: string;
  /** The EventSource name. */
  source: string;
  /** The source type: webhook, kafka, resource, ... */
  type: string;
  /** The event name (the key under spec.<type>). */
  subject: string;
  /** RFC 3339 time the event was created. */
  time: string;
  datacontenttype: string;
  data: D;
  /** CloudEvent extension attributes (e.g. traceparent, from an ingested CloudEvent). */
  [extension: string]: unknown;
}

/** A random UUID without dashes, as Argo Events generates. */
export function newEventId(): string {
  return randomUUID().replaceAll("-", "");
}

export const CONTEXT_ATTRIBUTES = ["id", "source", "specversion", "type", "datacontenttype", "subject", "time"] as const;

/** The event context as sensors see it (for contextKey and context filters). */
export function eventContext(e: ImpulseEvent): Record<(typeof CONTEXT_ATTRIBUTES)[number], string> {
  return {
    id: e.id,
    source: e.source,
    specversion: e.specversion,
    type: e.type,
    datacontenttype: e.datacontenttype,
    subject: e.subject,
    time: e.time,
  };
}

/** The event as a structured-mode CloudEvent JSON object: context attributes first, extensions, then data. */
export function structuredCloudEvent(e: ImpulseEvent): Record<string, unknown> {
  const { specversion, id, source, subject, type, time, datacontenttype, data, ...extensions } = e;
  return { specversion: specversion ?? "1.0", id, source, subject, type, time, datacontenttype, ...extensions, data };
}

/** A CloudEvent in structured JSON form, as `impulse sensor test` reads it; defaults fill what a source would. */
export const StructuredCloudEvent = z.looseObject({
  specversion: z.literal("1.0", { message: 'must be "1.0"' }),
  id: z.string().min(1),
  source: z.string().min(1).describe("The EventSource name."),
  subject: z.string().min(1).describe("The event name."),
  type: z.string().min(1),
  time: z.string().refine((t) => !Number.isNaN(Date.parse(t)), "must be an RFC 3339 time").optional(),
  datacontenttype: z.string().optional(),
  data: z.unknown().optional(),
});

export function toImpulseEvent(e: z.output<typeof StructuredCloudEvent>, now = new Date()): ImpulseEvent {
  return { ...e, time: e.time ?? now.toISOString(), datacontenttype: e.datacontenttype ?? "application/json", data: e.data ?? null } as ImpulseEvent;
}
