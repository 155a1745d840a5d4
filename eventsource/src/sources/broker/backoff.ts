// Reconnect delays from Argo's connectionBackoff for broker sources that manage their own connection (AMQP, MQTT).
import { durationToMs, type Backoff } from "@impulse/api";

/** Longest wait between two attempts: an outage is retried for as long as it lasts, never given up. */
export const MAX_RECONNECT_DELAY_MS = 30_000;

/**
 * The delay before reconnect attempt `attempt` (0 = the first retry): `duration` (default 1s) times `factor` (default 2)
 * per attempt, plus up to `jitter` (default 0.1) of it at random, capped at 30s. Argo stops after `steps` attempts and
 * the source fails; Impulse keeps retrying at the cap and shows the outage on /health instead.
 */
export function reconnectDelay(b: Backoff | undefined, attempt: number, random: () => number = Math.random): number {
  const first = b?.duration !== undefined ? (durationToMs(b.duration) ?? 1000) : 1000;
  const factor = b?.factor !== undefined && b.factor >= 1 ? b.factor : 2;
  const jitter = b?.jitter !== undefined ? Math.min(1, Math.max(0, b.jitter)) : 0.1;
  const base = Math.min(MAX_RECONNECT_DELAY_MS, Math.max(50, first) * factor ** Math.min(attempt, 30));
  return Math.min(MAX_RECONNECT_DELAY_MS, Math.round(base * (1 + jitter * random())));
}

/** Resolves after `ms`, or at once when the signal aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const t = setTimeout(done, ms);
    function done() {
      clearTimeout(t);
      signal.removeEventListener("abort", done);
      resolve();
    }
    signal.addEventListener("abort", done, { once: true });
  });
}
