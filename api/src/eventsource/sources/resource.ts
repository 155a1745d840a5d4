// Schema of one `spec.resource.<eventName>` entry: watch a Kubernetes resource, with Argo Events' field names.
import { z } from "zod";
import { regexProblem } from "../../regex.js";
import { FilterExpression } from "./filter.js";

export const RESOURCE_EVENT_TYPES = ["ADD", "UPDATE", "DELETE"] as const;
export type ResourceEventType = (typeof RESOURCE_EVENT_TYPES)[number];

/** Label selector operators Argo accepts (k8s.io/apimachinery selection operators). */
export const LABEL_OPERATIONS = ["==", "=", "!=", "in", "notin", "exists", "!", "gt", "lt"] as const;
export const FIELD_OPERATIONS = ["==", "=", "!="] as const;

const labelKey = z.string().regex(/^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, "must be a label key such as app or example.com/tier");

export const LabelSelector = z
  .strictObject({
    key: labelKey.describe("Label key, e.g. app or example.com/tier."),
    operation: z.enum(LABEL_OPERATIONS).default("==").describe("==, =, !=, in, notin (value is a comma-separated list), exists, !, gt, lt."),
    value: z.string().default("").describe("Label value (comma-separated for in/notin, an integer for gt/lt)."),
  })
  .superRefine((s, ctx) => {
    if ((s.operation === "gt" || s.operation === "lt") && !/^-?\d+$/.test(s.value)) ctx.addIssue({ code: "custom", path: ["value"], message: `must be an integer for operation ${s.operation}` });
    if ((s.operation === "in" || s.operation === "notin") && s.value.trim() === "") ctx.addIssue({ code: "custom", path: ["value"], message: `lists at least one value for operation ${s.operation}` });
  });
export type LabelSelector = z.output<typeof LabelSelector>;

export const FieldSelector = z
  .strictObject({
    key: z.string().min(1).describe("gjson path into the object, e.g. metadata.name or status.phase."),
    // Argo rejects every event when the operation is empty although its docs say "defaults to ==": default it for real.
    operation: z.enum(FIELD_OPERATIONS).default("==").describe("== or = (the value matches) or != (it does not); default ==."),
    value: z
      .string()
      .superRefine((v, ctx) => {
        const why = regexProblem(v);
        if (why) ctx.addIssue({ code: "custom", message: why });
      })
      .describe("Regular expression (RE2 syntax, as in Go), matched unanchored against the value at key."),
  });
export type FieldSelector = z.output<typeof FieldSelector>;

export const ResourceFilter = z.strictObject({
  prefix: z.string().optional().describe("Only objects whose metadata.name starts with this."),
  labels: z.array(LabelSelector).optional().describe("Label selector, applied by the API server."),
  fields: z.array(FieldSelector).optional().describe("Field filters on the object (gjson path + regex), all must pass."),
  createdBy: z.iso.datetime({ offset: true }).optional().describe("Only objects created at or before this RFC 3339 time."),
  afterStart: z.boolean().optional().describe("Only changes that happened after the source started."),
  // Not in Argo's resource source; the same language as the other sources' filter.expression, over the event's data.
  expression: FilterExpression.optional(),
});
export type ResourceFilter = z.output<typeof ResourceFilter>;

export const ResourceConfig = z
  .strictObject({
    namespace: z.string().default("").describe("Namespace to watch; empty watches all namespaces."),
    group: z.string().default("").describe("API group; empty for the core group (pods, configmaps, events)."),
    version: z.string().min(1).describe("API version, e.g. v1."),
    resource: z
      .string()
      .regex(/^[a-z0-9][a-z0-9.-]*$/, "must be the plural lower-case resource name, e.g. pods or deployments")
      .describe("Plural resource name, e.g. pods."),
    eventTypes: z.array(z.enum(RESOURCE_EVENT_TYPES)).min(1, "lists at least one of ADD, UPDATE, DELETE").describe("Which changes become events."),
    filter: ResourceFilter.optional().describe("Which objects and changes become events."),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
  })
  .describe("Watches a Kubernetes resource and turns added, updated and deleted objects into events.");
export type ResourceConfig = z.output<typeof ResourceConfig>;
