// Dependency filters with Argo's field names: data, exprs, context, time, script.
import { z } from "zod";
import { regexProblem } from "../regex.js";
import { parseTransition } from "./transition.js";

export const COMPARATORS = [">=", ">", "=", "!=", "<", "<=", ""] as const;

export const DataFilter = z
  .strictObject({
    path: z.string().min(1).describe("gjson path into the event data (a path starting with $ is JSONPath)."),
    type: z.enum(["string", "number", "bool"]).describe("How values are compared."),
    value: z.array(z.string().min(1, "values must not be empty")).min(1, "needs at least one value").describe("Values; any match passes (OR)."),
    comparator: z.enum(COMPARATORS).optional().describe("Comparison operator (default =)."),
    template: z.string().optional().describe("Go template applied to the value before comparing (.Input)."),
  })
  .superRefine((f, ctx) => {
    // String values are RE2 patterns (Go's syntax, linear-time matching): refuse what RE2 cannot compile here.
    if (f.type !== "string") return;
    f.value.forEach((v, i) => {
      const why = regexProblem(v);
      if (why) ctx.addIssue({ code: "custom", path: ["value", i], message: why });
    });
  })
  .describe("Compares one field of the event data with a list of values (string values are RE2 regular expressions).");
export type DataFilter = z.output<typeof DataFilter>;

export const ExprFilter = z
  .strictObject({
    expr: z.string().min(1).describe("Boolean expression over the named fields (govaluate syntax: == != < > && || =~ in ...)."),
    fields: z
      .array(
        z.strictObject({
          name: z.string().min(1).describe("Name the expression uses."),
          path: z.string().min(1).describe("gjson path into the event data."),
        }),
      )
      .min(1)
      .describe("Values of the event bound to names for the expression."),
  })
  .describe("An expression over values taken from the event data.");

export const ContextFilter = z
  .strictObject({
    type: z.string().optional().describe("Event type (the source type, e.g. webhook)."),
    subject: z.string().optional().describe("Event subject (the event name inside the EventSource)."),
    source: z.string().optional().describe("Event source (the EventSource name)."),
    datacontenttype: z.string().optional().describe("Content type of the event data, e.g. application/json."),
  })
  .refine((c) => Object.values(c).some((v) => v), "needs at least one of type, subject, source, datacontenttype")
  .describe("Exact match on event context attributes.");
export type ContextFilter = z.output<typeof ContextFilter>;

const ClockTime = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$/, "must be HH:MM:SS");
export const TimeFilter = z
  .strictObject({
    start: ClockTime.describe("Start of the window, HH:MM:SS, inclusive."),
    stop: ClockTime.describe("End of the window, HH:MM:SS, exclusive; before start wraps past midnight."),
    timezone: z.string().optional().describe("IANA time zone, e.g. Europe/Paris (default UTC)."),
  })
  .refine((t) => t.start !== t.stop, "stop must differ from start")
  .describe("Passes events whose time falls in a daily window.");

export const LogicalOperator = z.enum(["and", "or", ""]).describe("How the parts combine: and (default) or or.");

export const EventDependencyFilter = z
  .strictObject({
    data: z.array(DataFilter).optional().describe("Comparisons of event data fields."),
    dataLogicalOperator: LogicalOperator.optional().describe("How the data filters combine: and (default) or or."),
    exprs: z.array(ExprFilter).optional().describe("Expressions over event data fields."),
    exprLogicalOperator: LogicalOperator.optional().describe("How the expressions combine: and (default) or or."),
    context: ContextFilter.optional(),
    time: TimeFilter.optional(),
    script: z.string().optional().describe("Lua script over the event data (the global event); the event passes when it returns true."),
    transitions: z
      .array(
        z.string().superRefine((t, ctx) => {
          const r = parseTransition(t);
          if (typeof r === "string") ctx.addIssue({ code: "custom", message: r });
        }),
      )
      .min(1)
      .optional()
      .describe(
        'Impulse: state changes between oldBody and body of a resource event, "<path>: [<from>] -> <to>" (values separated by |; no from: any other value); the event passes when one of them happened.',
      ),
  })
  .describe("Which events satisfy the dependency; every kind given must pass (see filtersLogicalOperator).");
export type EventDependencyFilter = z.output<typeof EventDependencyFilter>;
