// IANA time zone names, checked once when a sensor compiles (time filters, conditionsReset).
import { ErrorCodes, ImpulseError } from "@impulse/api";

/** Returns a formatter for the zone's wall-clock time, or throws an error naming the field. */
export function wallClock(timeZone: string, at: string): Intl.DateTimeFormat {
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone, hourCycle: "h23", hour: "2-digit", minute: "2-digit", second: "2-digit" });
  } catch {
    throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}: unknown IANA time zone "${timeZone}"`);
  }
}
