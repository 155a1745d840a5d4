// Dependency filters with Argo's field names: data, exprs, context, time, script.
import { z } from "zod";

export const COMPARATORS = [">=", ">", "=", "!=", "<", "<=", ""] as const;

export const DataFilter = z
  .strictObject({
    path: z.string().min(1).describe("gjson path into the event data (a path starting with $ is JSONPath)."),
    type: z.enum(["string", "number", "bool"]).describe("How values are compared."),
    value: z.array(z.string().min(1, "values must not be empty")).min(1, "needs at least one value").describe("Values; any match passes (OR)."),
    comparator: z.enum(COMPARATORS).optional().describe("Comparison operator (default =)."),
    template: z.string().optional().describe("Go template applied to the value before comparing (.Input)."),
  })
  .describe("Compares one field of the event data with a list of values.");
export type DataFilter = z.output<typeof DataFilter>;

export const ExprFilter = z.strictObject({
  expr: z.string().min(1),
  fields: z.array(z.strictObject({ name: z.string().min(1), path: z.string().min(1) })).min(1),
});

export const ContextFilter = z
  .strictObject({
    type: z.string().optional(),
    subject: z.string().optional(),
    source: z.string().optional(),
    datacontenttype: z.string().optional(),
  })
  .refine((c) => Object.values(c).some((v) => v), "needs at least one of type, subject, source, datacontenttype")
  .describe("Exact match on event context attributes.");
export type ContextFilter = z.output<typeof ContextFilter>;

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/, "must be HH:MM:SS");
export const TimeFilter = z
  .strictObject({ start: ClockTime, stop: ClockTime, timezone: z.string().optional() })
  .refine((t) => t.start !== t.stop, "stop must differ from start");

export const LogicalOperator = z.enum(["and", "or", ""]);

export const EventDependencyFilter = z.strictObject({
  data: z.array(DataFilter).optional(),
  dataLogicalOperator: LogicalOperator.optional(),
  exprs: z.array(ExprFilter).optional(),
  exprLogicalOperator: LogicalOperator.optional(),
  context: ContextFilter.optional(),
  time: TimeFilter.optional(),
  script: z.string().optional(),
});
export type EventDependencyFilter = z.output<typeof EventDependencyFilter>;
