// Stores one input of a queue-like source on the bus before the source may acknowledge it upstream.
import { ErrorCodes, isImpulseError } from "@impulse/api";
import type { Logger } from "pino";
import type { Emission, Emit } from "../../define.js";
import type { EventSourceMetrics } from "../../metrics.js";
import { sleep } from "./sleep.js";

/**
 * stored: the bus holds it (or held it already) or filter.expression dropped it — acknowledge it upstream.
 * too_large: the bus can never take it — count it and acknowledge it, or it would block what follows.
 * stopped: the source is stopping — do not acknowledge; the upstream redelivers it (where it can).
 */
export type StoreOutcome = "stored" | "too_large" | "stopped";

export interface StoreOptions {
  emit: Emit;
  metrics: EventSourceMetrics;
  labels: { eventsource: string; event: string };
  log: Logger;
  signal: AbortSignal;
  /** Also give up (as "stopped") when this turns true, e.g. the upstream connection that must ack it is gone. */
  abandon?: () => boolean;
}

/** Retries with backoff while the bus is down, so an input is never skipped (nor acked upstream) for that reason. */
export async function storeUntilDone(o: StoreOptions, e: Emission): Promise<StoreOutcome> {
  for (let attempt = 0; ; attempt++) {
    if (o.signal.aborted || o.abandon?.()) return "stopped";
    try {
      await o.emit(e);
      return "stored";
    } catch (err) {
      if (isImpulseError(err) && err.code === ErrorCodes.EventTooLarge) {
        o.metrics.failed.inc({ ...o.labels, reason: "too_large" });
        o.log.warn({ eventId: e.id, err: err.message }, "input too large for the bus: skipped");
        return "too_large";
      }
      const busDown = isImpulseError(err) && err.code === ErrorCodes.BusUnavailable;
      o.metrics.failed.inc({ ...o.labels, reason: busDown ? "bus_unavailable" : "internal" });
      if (attempt === 0) o.log.warn({ eventId: e.id, err: (err as Error).message }, "event not stored yet; retrying before acknowledging the input");
      await sleep(Math.min(5000, 250 * 2 ** Math.min(attempt, 5)), o.signal);
    }
  }
}
