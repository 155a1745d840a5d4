// conditionsReset.byTime: a cron schedule (with timezone) that clears a trigger's saved dependency events.
import { ErrorCodes, ImpulseError } from "@impulse/api";
import { Cron } from "croner";
import { wallClock } from "../timezone.js";

export interface ConditionsReset {
  cron: string;
  /** The last tick at or before `now` (ms), or 0 if none. */
  previous(now: Date): number;
  /** Runs `onTick` at every tick until the signal aborts. */
  schedule(signal: AbortSignal, onTick: () => void): void;
}

export function compileReset(byTime: { cron: string; timezone?: string | undefined }, at: string): ConditionsReset {
  const options = { timezone: byTime.timezone || "UTC", paused: true };
  wallClock(options.timezone, `${at}.timezone`);
  let probe: Cron;
  try {
    probe = new Cron(byTime.cron, options);
  } catch (e) {
    throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.cron: ${(e as Error).message}`);
  }
  return {
    cron: byTime.cron,
    previous: (now) => probe.previousRuns(1, now)[0]?.getTime() ?? 0,
    schedule(signal, onTick) {
      const job = new Cron(byTime.cron, { timezone: options.timezone }, onTick);
      signal.addEventListener("abort", () => job.stop(), { once: true });
    },
  };
}
