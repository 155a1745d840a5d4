// The EventSource resource: metadata plus one map of named events per source type.
import { z } from "zod";
import { LabelsAndAnnotations, PodTemplate, resourceSchema } from "../common/types.js";
import { sourceConfigSchemas, type SourceType } from "./sources/index.js";

const eventMaps = Object.fromEntries(
  Object.entries(sourceConfigSchemas).map(([type, schema]) => [
    type,
    z.record(z.string().regex(/^[A-Za-z0-9_.-]+$/, "event names use letters, digits, '-', '_' and '.'"), schema).optional(),
  ]),
) as { [K in SourceType]: z.ZodOptional<z.ZodRecord<z.ZodString, (typeof sourceConfigSchemas)[K]>> };

export const ServicePort = z.strictObject({
  name: z.string().optional(),
  port: z.number().int(),
  targetPort: z.union([z.number().int(), z.string()]).optional(),
  protocol: z.string().optional(),
});

export const EventSourceSpec = z
  .strictObject({
    eventBusName: z.string().default("default").describe("EventBus to publish to."),
    replicas: z.number().int().min(0).optional(),
    template: PodTemplate.optional(),
    service: z
      .strictObject({ ports: z.array(ServicePort).optional(), clusterIP: z.string().optional(), metadata: LabelsAndAnnotations.optional() })
      .optional()
      .describe("Service exposing webhook ports."),
    ...eventMaps,
  })
  .superRefine((spec, ctx) => {
    const count = Object.keys(sourceConfigSchemas).reduce((n, t) => n + Object.keys(spec[t as SourceType] ?? {}).length, 0);
    if (count === 0) ctx.addIssue({ code: "custom", message: `defines no events: add a source such as spec.webhook.<eventName>` });
  });

export const EventSource = resourceSchema("EventSource", EventSourceSpec);

export type EventSource = z.output<typeof EventSource>;
export type EventSourceSpec = z.output<typeof EventSourceSpec>;
