// Time filter: passes events whose CloudEvent time falls in a daily window [start, stop) in an IANA timezone.
import { wallClock } from "../timezone.js";
import { PASS, type CompiledFilter } from "./types.js";

const DAY_MS = 86_400_000;

function clockMs(hms: string): number {
  const [h, m, s] = hms.split(":").map(Number) as [number, number, number];
  return ((h * 60 + m) * 60 + s) * 1000;
}

/** Milliseconds since local midnight of `instant` in `timeZone`. */
function timeOfDay(format: Intl.DateTimeFormat, instant: number): number {
  const parts = format.formatToParts(instant);
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return ((get("hour") * 60 + get("minute")) * 60 + get("second")) * 1000 + (instant % 1000 + 1000) % 1000;
}

export function compileTimeFilter(f: { start: string; stop: string; timezone?: string | undefined }, at: string): CompiledFilter {
  const timeZone = f.timezone || "UTC";
  const format = wallClock(timeZone, `${at}.timezone`);
  const start = clockMs(f.start);
  const stop = clockMs(f.stop);
  // stop before start: the window wraps past midnight (e.g. 22:00:00 → 06:00:00).
  const inside = start < stop ? (t: number) => t >= start && t < stop : (t: number) => t >= start || t < stop;
  return (event) => {
    const instant = Date.parse(event.time);
    if (Number.isNaN(instant)) return { pass: false, error: true, reason: `time filter: event time ${JSON.stringify(event.time)} is not a valid time` };
    const t = timeOfDay(format, instant) % DAY_MS;
    return inside(t) ? PASS : { pass: false, reason: `time filter: ${event.time} is outside ${f.start}–${f.stop} ${timeZone}` };
  };
}
