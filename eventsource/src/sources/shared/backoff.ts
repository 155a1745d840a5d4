// Argo's connectionBackoff as reconnect delays: first duration (default 1s), times factor (default 2), with jitter, capped.
import { durationToMs, type Backoff } from "@impulse/api";

const MAX_DELAY_MS = 30_000;

/**
 * The delay before reconnect attempt `attempt` (0-based). Argo gives up after `steps`; a source must not silently
 * stop, so past `steps` Impulse keeps retrying at the last (capped) delay and reports the outage on /health.
 */
export function reconnectDelayMs(b: Backoff | undefined, attempt: number, random: () => number = Math.random): number {
  const first = b?.duration !== undefined ? (durationToMs(b.duration) ?? 1000) : 1000;
  const factor = b?.factor !== undefined && Number(b.factor) >= 1 ? Number(b.factor) : 2;
  const jitter = b?.jitter !== undefined ? Math.min(1, Math.max(0, Number(b.jitter))) : 0.1;
  const steps = b?.steps ?? 5;
  const base = Math.min(MAX_DELAY_MS, Math.max(50, first) * factor ** Math.min(attempt, steps - 1));
  return Math.round(base * (1 + jitter * random()));
}
