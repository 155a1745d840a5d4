// Fires one calendar event: waits for each scheduled time, publishes it with an id made from that time, remembers it.
import type { CalendarSchedule } from "@impulse/api";
import type { Logger } from "pino";
import type { Emit } from "../../define.js";
import type { Clock } from "./clock.js";
import { goTimeString } from "./event-time.js";
import type { LastFiringStore } from "./last-firing.js";

/** At most this many missed firings are published at once (the most recent): a long outage must not flood the bus. */
export const MAX_CATCHUP = 100;
/** Sleep in slices of at most this long, so a wall-clock jump (suspend, NTP step) is noticed within a minute. */
const MAX_SLEEP_MS = 60_000;
const MIN_BACKOFF_MS = 1000;
const MAX_BACKOFF_MS = 30_000;

export interface CalendarLoopOptions {
  eventSourceName: string;
  eventName: string;
  schedule: CalendarSchedule;
  metadata?: Record<string, string> | undefined;
  /** Where the last stored firing is kept; undefined without `persistence` (nothing is remembered). */
  store?: LastFiringStore | undefined;
  /** Catch up from the remembered firing after a start; undefined = start from now, as Argo without catchup. */
  catchup?: { maxDurationMs?: number | undefined } | undefined;
  maxCatchup?: number;
  emit: Emit;
  clock: Clock;
  logger: Logger;
  health: (status: { healthy: boolean; error?: string }) => void;
}

/** The CloudEvent id of the firing at `at`: the same firing, published again after a crash, is stored once. */
export function firingId(eventSourceName: string, eventName: string, at: Date): string {
  return `${eventSourceName}:${eventName}:${at.toISOString()}`;
}

export function runCalendar(o: CalendarLoopOptions, signal: AbortSignal): { ready: Promise<void>; done: Promise<void> } {
  let markReady!: () => void;
  const ready = new Promise<void>((r) => (markReady = r));
  const done = loop(o, signal, markReady).finally(markReady);
  return { ready, done };
}

async function loop(o: CalendarLoopOptions, signal: AbortSignal, markReady: () => void): Promise<void> {
  const { clock, schedule, logger: log } = o;
  const max = o.maxCatchup ?? MAX_CATCHUP;
  let backoff = MIN_BACKOFF_MS;
  const fail = async (what: string, e: unknown) => {
    const error = `${what}: ${(e as Error).message}`;
    log.warn({ err: (e as Error).message, retryInMs: backoff }, what);
    o.health({ healthy: false, error });
    await clock.sleep(backoff, signal);
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  };

  // Where the schedule resumes: the remembered firing when catching up, else now (a whole second, as robfig's intervals).
  const startedAt = new Date(Math.floor(clock.now() / 1000) * 1000);
  let last = startedAt;
  let remembered: Date | undefined;
  while (o.store && o.catchup && !signal.aborted) {
    try {
      remembered = await o.store.load();
      break;
    } catch (e) {
      await fail("cannot read the last firing from the bus KV store", e);
    }
  }
  // Resume the chain at the remembered firing (interval chains stay anchored on it, so ids repeat exactly).
  if (remembered && remembered < startedAt) last = remembered;
  // Argo's maxDuration: firings older than this at start are not caught up.
  const notBefore = o.catchup?.maxDurationMs !== undefined ? new Date(startedAt.getTime() - o.catchup.maxDurationMs) : undefined;
  o.health({ healthy: true });
  markReady();

  while (!signal.aborted) {
    const now = new Date(clock.now());
    const { firings, leftOut } = schedule.due(last, now, max);
    const wanted = notBefore ? firings.filter((f) => f >= notBefore) : firings;
    if (leftOut || wanted.length < firings.length) log.warn({ since: last.toISOString(), publishing: wanted.length }, "missed firings beyond the catch-up limit are dropped");
    if (wanted.length > 1 || (wanted.length === 1 && now.getTime() - wanted[0]!.getTime() > MAX_SLEEP_MS))
      log.info({ count: wanted.length, from: wanted[0]!.toISOString() }, "catching up missed firings");
    let failed = false;
    for (const at of wanted) {
      if (signal.aborted) return;
      try {
        await o.emit({
          eventName: o.eventName,
          id: firingId(o.eventSourceName, o.eventName, at),
          time: at.toISOString(),
          data: { eventTime: goTimeString(at, schedule.timezone), ...(o.metadata ? { metadata: o.metadata } : {}) },
        });
      } catch (e) {
        // Not stored: leave `last` where it is, so the next round publishes this firing again (same id).
        await fail("cannot publish the calendar event", e);
        failed = true;
        break;
      }
      last = at;
      backoff = MIN_BACKOFF_MS;
      o.health({ healthy: true });
      if (o.store) await o.store.save(at).catch((e: Error) => log.warn({ err: e.message }, "cannot record the last firing in the bus KV store"));
    }
    if (failed || wanted.length) continue; // time went by while publishing: look again before sleeping
    if (firings.length) last = firings.at(-1)!; // all older than maxDuration: skip them
    const next = schedule.next(last);
    if (!next) {
      log.warn("the schedule has no further firing");
      await new Promise<void>((r) => (signal.aborted ? r() : signal.addEventListener("abort", () => r(), { once: true })));
      return;
    }
    log.debug({ next: next.toISOString() }, "next firing");
    await clock.sleep(Math.max(10, Math.min(next.getTime() - clock.now(), MAX_SLEEP_MS)), signal);
  }
}
