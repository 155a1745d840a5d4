// Keeps a sender's hook registered while the source runs (github, gitlab, bitbucket...): retry with backoff, /health, delete on stop.
import type { Logger } from "pino";
import type { EventSourceMetrics } from "../../metrics.js";
import { untilAborted } from "./family.js";
import { sleep } from "../shared/sleep.js";

/** One event's hooks at a vendor. Both calls are idempotent and throw errors whose messages never contain a secret. */
export interface Registrar {
  /** Makes every hook exist with the wanted settings: creates a missing one, updates a changed one, leaves a matching one. */
  ensure(): Promise<void>;
  /** Deletes the hooks `ensure` created or adopted (deleteHookOnFinish). */
  remove(): Promise<void>;
}

export interface RegistrationOptions {
  eventSourceName: string;
  eventName: string;
  registrar: Registrar;
  deleteOnFinish: boolean;
  /** Reports to /health under "<type>/<eventName>". */
  health: (status: { healthy: boolean; error?: string }) => void;
  logger: Logger;
  metrics: EventSourceMetrics;
  signal: AbortSignal;
  /** First retry delay; doubles up to maxRetryMs. */
  retryMs?: number;
  maxRetryMs?: number;
  /**
   * After success, check again this often, `resyncTimes` times (as Argo does for ten minutes): a rolling update's old
   * pod may delete the hook (deleteHookOnFinish) after the new one registered it.
   */
  resyncMs?: number;
  resyncTimes?: number;
  /** What is registered, for /health and logs (default "hook"; sns: "topic subscription"). */
  noun?: string;
}

/** Runs until the signal aborts; resolves after the hooks were deleted (when asked) so `done` covers the cleanup. */
export async function runRegistration(o: RegistrationOptions): Promise<void> {
  const labels = { eventsource: o.eventSourceName, event: o.eventName };
  const log = o.logger.child({ eventName: o.eventName });
  const max = o.maxRetryMs ?? 60_000;
  let delay = o.retryMs ?? 1000;
  let resyncs = 0;
  let registered = false;
  const noun = o.noun ?? "hook";
  o.health({ healthy: false, error: `registering the ${noun}` });
  while (!o.signal.aborted) {
    try {
      await o.registrar.ensure();
      registered = true;
      o.health({ healthy: true });
      o.metrics.upstreamConnected.set(labels, 1);
      if (resyncs === 0) log.info(`${noun} registered`);
      delay = o.retryMs ?? 1000;
      if (resyncs++ >= (o.resyncTimes ?? 10)) break;
      await sleep(o.resyncMs ?? 60_000, o.signal);
    } catch (e) {
      const error = `${noun} registration failed (retrying in ${Math.round(delay / 1000)}s): ${(e as Error).message}`;
      o.health({ healthy: false, error });
      o.metrics.upstreamConnected.set(labels, 0);
      o.metrics.upstreamErrors.inc({ ...labels, reason: "registration" });
      log.warn({ err: (e as Error).message }, `${noun} registration failed; retrying`);
      await sleep(delay, o.signal);
      delay = Math.min(delay * 2, max);
    }
  }
  await untilAborted(o.signal);
  if (o.deleteOnFinish && registered) {
    try {
      await o.registrar.remove();
      log.info(`${noun} deleted on stop`);
    } catch (e) {
      log.warn({ err: (e as Error).message }, `could not delete the ${noun} on stop`);
    }
  }
}
