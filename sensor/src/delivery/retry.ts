// Retries a firing with Argo's retryStrategy (duration, factor, jitter, steps); aborts promptly on shutdown.
import { durationToMs, isImpulseError, type Backoff } from "@impulse/api";
import { sleep } from "./sleep.js";

export interface RetryPlan {
  steps: number;
  durationMs: number;
  factor: number;
  jitter: number;
}

/** Without a retryStrategy Argo tries once; Impulse retries by default (docs/deviations.md). */
export const DEFAULT_RETRY: RetryPlan = { steps: 3, durationMs: 1000, factor: 2, jitter: 0.1 };

export function retryPlan(b: Backoff | undefined): RetryPlan {
  if (!b) return DEFAULT_RETRY;
  return {
    steps: b.steps && b.steps > 0 ? b.steps : 5,
    durationMs: b.duration !== undefined ? durationToMs(b.duration)! : 1000,
    factor: b.factor ?? 1,
    jitter: b.jitter ?? 0.1,
  };
}

/** Delay before attempt n+1 (n starts at 1). */
export function delayAfter(plan: RetryPlan, attempt: number, random = Math.random): number {
  const base = plan.durationMs * plan.factor ** (attempt - 1);
  return base + (plan.jitter > 0 ? random() * plan.jitter * base : 0);
}

export interface AttemptInfo {
  attempt: number;
  error: unknown;
  nextDelayMs: number;
}

/** Runs fn until it succeeds, a non-retryable error occurs, or the steps run out; the last error is rethrown. */
export async function withRetry<R>(plan: RetryPlan, signal: AbortSignal, fn: (attempt: number) => Promise<R>, onRetry?: (i: AttemptInfo) => void): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn(attempt);
    } catch (e) {
      const retryable = !isImpulseError(e) || e.retryable;
      if (!retryable || attempt >= plan.steps || signal.aborted) throw e;
      const nextDelayMs = delayAfter(plan, attempt);
      onRetry?.({ attempt, error: e, nextDelayMs });
      await sleep(nextDelayMs, signal);
    }
  }
}
