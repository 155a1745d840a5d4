// Schema of one `spec.calendar.<eventName>` entry, with Argo Events' field names (CalendarEventSource).
import { z } from "zod";
import { parseGoDuration } from "../../common/duration.js";
import { checkTimezone, parseCron, parseExclusionDates, parseInterval } from "./calendar-schedule.js";
import { EventSourceFilter } from "./filter.js";

/** Runs a parser as a zod refinement, so its message lands on the field's path. */
function checkedBy<T>(parse: (v: T) => unknown) {
  return (v: T, ctx: z.RefinementCtx) => {
    try {
      parse(v);
    } catch (e) {
      ctx.addIssue({ code: "custom", message: (e as Error).message });
    }
  };
}

export const CalendarCatchup = z
  .strictObject({
    enabled: z.boolean().optional().describe("After a restart, publish the firings missed while the source was not running (at most 100: the most recent)."),
    maxDuration: z
      .string()
      .optional()
      .refine((d) => d === undefined || d === "" || (parseGoDuration(d) ?? -1) >= 0, "must be a Go duration like \"5m\"")
      .describe("Catch up only firings this recent (a Go duration); older missed firings are dropped."),
  })
  .describe("Catch-up of missed firings after a restart.");

export const CalendarPersistence = z
  .strictObject({
    catchup: CalendarCatchup.optional(),
    configMap: z
      .strictObject({
        name: z.string().optional().describe("Argo's ConfigMap name (accepted; Impulse keeps the last firing in the bus's KV store)."),
        createIfNotExist: z.boolean().optional().describe("Accepted and ignored (no ConfigMap is used)."),
      })
      .optional()
      .describe("Accepted for Argo compatibility: the last firing is kept in the EventBus KV store instead of a ConfigMap."),
  })
  .describe("Remember the last firing (in the EventBus KV store) so a restart can catch up.");

export const CalendarConfig = z
  .strictObject({
    schedule: z
      .string()
      .optional()
      .superRefine((s, ctx) => {
        if (s) checkedBy(parseCron)(s, ctx);
      })
      .describe("Cron expression with 5 fields (minute hour day-of-month month day-of-week), as Argo's; wins over interval."),
    interval: z
      .string()
      .optional()
      .superRefine((s, ctx) => {
        if (s) checkedBy(parseInterval)(s, ctx);
      })
      .describe("Fire every this long (a Go duration, at least 1s), counted from the start or the last firing."),
    exclusionDates: z
      .array(z.string())
      .optional()
      .superRefine((v, ctx) => {
        if (v) checkedBy(parseExclusionDates)(v, ctx);
      })
      .describe("Days on which nothing fires: EXDATE:20190102T150405Z (only year, month and day count), comma-separated lists allowed."),
    timezone: z
      .string()
      .optional()
      .superRefine((v, ctx) => {
        if (v) checkedBy(checkTimezone)(v, ctx);
      })
      .describe("IANA time zone the schedule and exclusion dates are read in (default UTC)."),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    persistence: CalendarPersistence.optional(),
    filter: EventSourceFilter.optional(),
  })
  .refine((c) => !!c.schedule || !!c.interval, { message: "set schedule (cron) or interval", path: ["schedule"] })
  .describe("Events on a cron schedule or at an interval; one replica fires, and with persistence a restart catches up.");

export type CalendarConfig = z.output<typeof CalendarConfig>;
