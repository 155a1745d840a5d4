// Stores one broker message's event on the bus before the caller acknowledges it upstream; holds it while the bus is down.
import { ErrorCodes, isImpulseError } from "@impulse/api";
import type { Logger } from "pino";
import type { Emission, Emit } from "../../define.js";
import { sleep } from "./backoff.js";

/**
 * stored: on the bus (or already there): acknowledge upstream. filtered: filter.expression dropped it: acknowledge.
 * rejected: the bus can never take it as is (too large): count it and drop it upstream. stopped: the source is stopping
 * before it was stored: leave it unacknowledged, so the broker redelivers it.
 */
export type StoreOutcome = "stored" | "filtered" | "rejected" | "stopped";

export interface StoreOptions {
  emit: Emit;
  signal: AbortSignal;
  log: Logger;
  /** Counts a failed attempt by reason (bus_unavailable, too_large, internal). */
  failed: (reason: string) => void;
  /** While it is false (the upstream connection dropped), retrying is pointless: the broker redelivers the message. */
  stillHeld?: () => boolean;
}

export async function storeHolding(e: Emission, o: StoreOptions): Promise<StoreOutcome> {
  for (let attempt = 0; ; attempt++) {
    if (o.signal.aborted || (o.stillHeld && !o.stillHeld())) return "stopped";
    try {
      return (await o.emit(e)) ? "stored" : "filtered";
    } catch (err) {
      if (isImpulseError(err) && err.code === ErrorCodes.EventTooLarge) {
        o.failed("too_large");
        o.log.warn({ eventId: e.id, err: err.message }, "message too large for the bus; dropped upstream");
        return "rejected";
      }
      const busDown = isImpulseError(err) && err.code === ErrorCodes.BusUnavailable;
      o.failed(busDown ? "bus_unavailable" : "internal");
      if (attempt === 0) o.log.warn({ eventId: e.id, err: (err as Error).message }, "event not stored yet; holding the message unacknowledged and retrying");
      await sleep(Math.min(5000, 250 * 2 ** Math.min(attempt, 5)), o.signal);
    }
  }
}
