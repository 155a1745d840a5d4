// The EventSource resource: metadata plus one map of named events per source type.
import { z } from "zod";
import { LabelsAndAnnotations, PodTemplate, resourceSchema } from "../common/types.js";
import { sourceConfigSchemas, type SourceType } from "./sources/index.js";

const eventMaps = Object.fromEntries(
  Object.entries(sourceConfigSchemas).map(([type, schema]) => [
    type,
    z
      .record(z.string().regex(/^[A-Za-z0-9_.-]+$/, "event names use letters, digits, '-', '_' and '.'"), schema)
      .optional()
      .describe(`${type} events by name (the name becomes the event's subject). Each: ${schema.description ?? "settings of one event."}`),
  ]),
) as { [K in SourceType]: z.ZodOptional<z.ZodRecord<z.ZodString, (typeof sourceConfigSchemas)[K]>> };

export const ServicePort = z
  .strictObject({
    name: z.string().optional().describe("Port name."),
    port: z.number().int().describe("Port the Service listens on."),
    targetPort: z.union([z.number().int(), z.string()]).optional().describe("Container port (number or name); default: port."),
    protocol: z.string().optional().describe("TCP (default), UDP or SCTP."),
  })
  .describe("A port of the Service.");

export const EventSourceSpec = z
  .strictObject({
    eventBusName: z.string().default("default").describe("EventBus to publish to."),
    replicas: z.number().int().min(0).optional().describe("Pods to run (default 1). Webhooks serve from every replica; singleton sources (kafka, resource) elect a leader."),
    template: PodTemplate.optional(),
    service: z
      .strictObject({
        ports: z.array(ServicePort).optional(),
        clusterIP: z.string().optional().describe("Fixed cluster IP, or None for a headless Service."),
        metadata: LabelsAndAnnotations.optional().describe("Labels and annotations of the Service."),
      })
      .optional()
      .describe("Service exposing webhook ports."),
    ...eventMaps,
  })
  .superRefine((spec, ctx) => {
    const count = Object.keys(sourceConfigSchemas).reduce((n, t) => n + Object.keys(spec[t as SourceType] ?? {}).length, 0);
    // As Argo: an event name is the event's subject, so it is unique across every source type of the EventSource.
    const seen = new Set<string>();
    for (const t of Object.keys(sourceConfigSchemas))
      for (const name of Object.keys(spec[t as SourceType] ?? {})) {
        if (seen.has(name)) ctx.addIssue({ code: "custom", path: [t, name], message: `duplicate event name "${name}": event names are unique across the source types of an EventSource` });
        seen.add(name);
      }
    if (count === 0) ctx.addIssue({ code: "custom", message: `defines no events: add a source such as spec.webhook.<eventName>` });
  });

export const EventSource = resourceSchema("EventSource", EventSourceSpec);

export type EventSource = z.output<typeof EventSource>;
export type EventSourceSpec = z.output<typeof EventSourceSpec>;
