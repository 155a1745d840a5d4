// Time as the calendar loop sees it: injectable, so tests can cross DST changes and outages without waiting.
import { setTimeout as sleep } from "node:timers/promises";

export interface Clock {
  now(): number;
  /** Waits `ms`, or less when the signal aborts (resolves, never throws). */
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) => sleep(ms, undefined, { signal }).catch(() => undefined),
};
