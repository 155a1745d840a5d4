// When a calendar event fires: Argo's cron dialect or interval, its timezone and exclusion dates, computed with croner.
import { Cron } from "croner";
import { parseGoDuration } from "../../common/duration.js";

/** What a schedule is compiled from (the calendar fields that decide times). */
export interface CalendarTiming {
  schedule?: string | undefined;
  interval?: string | undefined;
  exclusionDates?: string[] | undefined;
  timezone?: string | undefined;
}

/** The most recent due firings, oldest first, and whether older ones after `after` were left out. */
export interface DueFirings {
  firings: Date[];
  leftOut: boolean;
}

export interface CalendarSchedule {
  /** IANA zone the schedule is read in (and event times are written in). */
  timezone: string;
  /** The first firing strictly after `after` that is not on an excluded date; undefined when there is none. */
  next(after: Date): Date | undefined;
  /** Firings in (after, upTo], at most `max` of them: the most recent ones. */
  due(after: Date, upTo: Date, max: number): DueFirings;
}

const TZ_PREFIX = /^(?:CRON_TZ|TZ)=(\S+)\s+/;
/** Argo's exclusion form (RFC 5545 EXDATE): `EXDATE:20190102T150405Z`, several separated by commas. */
const EXDATE = /^\d{8}T\d{6}Z$/;
/** Walking back over excluded days costs one cron step each: past this many, stop looking for older firings. */
const MAX_BACK_STEPS = 20_000;

/** Throws with a user-facing message when the zone is not an IANA time zone. */
export function checkTimezone(tz: string): void {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
  } catch {
    throw new Error(`unknown time zone "${tz}" (use an IANA name such as "America/New_York")`);
  }
}

/** Parses Argo's exclusionDates into the calendar dates they exclude ("YYYYMMDD"); values must be EXDATE:... */
export function parseExclusionDates(values: string[]): Set<string> {
  const days = new Set<string>();
  for (const v of values) {
    if (!v.startsWith("EXDATE:")) throw new Error(`"${v}" must start with "EXDATE:" (e.g. EXDATE:20190102T150405Z)`);
    for (const d of v.slice("EXDATE:".length).split(",")) {
      if (!EXDATE.test(d)) throw new Error(`"${d}" is not a date-time like 20190102T150405Z`);
      days.add(d.slice(0, 8));
    }
  }
  return days;
}

/**
 * Argo's cron: five fields (minute to day of week; no seconds, no @descriptors), an optional CRON_TZ= prefix.
 * Returns the expression and the prefix's zone.
 */
export function parseCron(expr: string): { pattern: string; timezone?: string } {
  const text = expr.trim();
  const m = TZ_PREFIX.exec(text);
  const pattern = m ? text.slice(m[0].length) : text;
  if (pattern.startsWith("@")) throw new Error(`descriptors such as "${pattern}" are not accepted (Argo's parser refuses them): write the 5 fields`);
  if (m) checkTimezone(m[1]!);
  newCron(pattern, "UTC");
  return { pattern, ...(m ? { timezone: m[1]! } : {}) };
}

function newCron(pattern: string, timezone: string): Cron {
  try {
    // 5 fields as Argo; `5/15` steps as robfig/cron; Vixie cron's DST rules for fixed times (see docs/eventsources/calendar.md).
    return new Cron(pattern, { timezone, paused: true, mode: "5-part", sloppyRanges: true, fixedTimeRule: "no-wildcard" });
  } catch (e) {
    throw new Error(`is not a 5-field cron expression (minute hour day-of-month month day-of-week): ${(e as Error).message.replace(/^CronPattern: /, "")}`);
  }
}

/** Milliseconds of an Argo interval; at least one second (robfig's constant-delay schedule works in whole seconds). */
export function parseInterval(text: string): number {
  const ms = parseGoDuration(text);
  if (ms === undefined) throw new Error(`"${text}" is not a Go duration like "10s" or "1h30m"`);
  if (ms < 1000) throw new Error(`must be at least 1s`);
  return ms;
}

export function compileCalendarSchedule(t: CalendarTiming): CalendarSchedule {
  const excluded = parseExclusionDates(t.exclusionDates ?? []);
  if (t.timezone) checkTimezone(t.timezone);
  const cron = t.schedule ? parseCron(t.schedule) : undefined;
  // No zone → UTC, the zone of an Argo pod; a CRON_TZ= prefix wins over `timezone`, as in robfig/cron.
  const timezone = cron?.timezone ?? t.timezone ?? "UTC";
  const day = new Intl.DateTimeFormat("en-CA", { timeZone: timezone, year: "numeric", month: "2-digit", day: "2-digit" });
  const isExcluded = excluded.size ? (d: Date) => excluded.has(day.format(d).replaceAll("-", "")) : () => false;

  if (cron) {
    const c = newCron(cron.pattern, timezone);
    const next = (after: Date): Date | undefined => {
      let at = c.nextRun(after) ?? undefined;
      while (at && isExcluded(at)) at = c.nextRun(at) ?? undefined;
      return at;
    };
    return {
      timezone,
      next,
      due(after, upTo, max) {
        // The usual cases, none or one firing due, cost one or two steps forward.
        const first = next(after);
        if (!first || first > upTo || max < 1) return { firings: [], leftOut: false };
        const second = next(first);
        if (!second || second > upTo) return { firings: [first], leftOut: false };
        // Walk back from upTo: stepping forward from a firing long ago would cost one step per missed firing.
        const found: Date[] = [];
        let ref = new Date(upTo.getTime() + 1);
        let steps = 0;
        while (found.length < max && steps < MAX_BACK_STEPS) {
          const batch = c.previousRuns(Math.min(64, max - found.length + 8), ref);
          if (!batch.length) return { firings: found.reverse(), leftOut: false };
          for (const at of batch) {
            steps++;
            if (at <= after) return { firings: found.reverse(), leftOut: false };
            if (at <= upTo && !isExcluded(at)) found.push(at);
            if (found.length === max) break;
            ref = at;
          }
        }
        const oldest = found.at(-1);
        const earlier = oldest ? next(after) : undefined;
        return { firings: found.reverse(), leftOut: earlier !== undefined && oldest !== undefined && earlier < oldest };
      },
    };
  }

  if (!t.interval) throw new Error("set schedule or interval");
  const every = parseInterval(t.interval);
  // A chain anchor + k·interval (the runtime starts it on a whole second, as robfig's ConstantDelaySchedule does).
  const step = (after: Date) => new Date(after.getTime() + every);
  const next = (after: Date): Date | undefined => {
    let at = step(after);
    while (isExcluded(at)) at = step(at);
    return at;
  };
  return {
    timezone,
    next,
    due(after, upTo, max) {
      const first = step(after).getTime();
      if (first > upTo.getTime()) return { firings: [], leftOut: false };
      // The chain after `after` is first + k·every: jump to its last `max` links (plus excluded ones) arithmetically.
      const last = first + Math.floor((upTo.getTime() - first) / every) * every;
      const found: Date[] = [];
      let at = last;
      for (let steps = 0; at >= first && found.length < max && steps < MAX_BACK_STEPS; steps++, at -= every) {
        if (!isExcluded(new Date(at))) found.push(new Date(at));
      }
      return { firings: found.reverse(), leftOut: at >= first };
    },
  };
}
