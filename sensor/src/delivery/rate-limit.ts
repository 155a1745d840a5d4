// rateLimit: at most `limit` firings in any sliding window of one unit — no burst past the limit (Argo #2851).
import { Mutex } from "./mutex.js";

export const RATE_UNITS_MS = { Second: 1000, Minute: 60_000, Hour: 3_600_000 } as const;

export interface Clock {
  now(): number;
  sleep(ms: number, signal: AbortSignal): Promise<void>;
}

export const realClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal.aborted) return reject(signal.reason);
      const onAbort = () => (clearTimeout(t), reject(signal.reason));
      const t = setTimeout(() => (signal.removeEventListener("abort", onAbort), resolve()), ms);
      signal.addEventListener("abort", onAbort, { once: true });
    }),
};

export class SlidingWindowLimiter {
  /** Grant times of the last `limit` firings, oldest at `head`. */
  private readonly grants: number[] = [];
  private head = 0;
  private readonly mutex = new Mutex();

  constructor(
    readonly limit: number,
    readonly windowMs: number,
    private readonly clock: Clock = realClock,
  ) {}

  /** Resolves when one more firing keeps every window within the limit; callers are served in order. */
  acquire(signal: AbortSignal): Promise<void> {
    return this.mutex.run(async () => {
      if (this.grants.length < this.limit) {
        this.grants.push(this.clock.now());
        return;
      }
      const wait = this.grants[this.head]! + this.windowMs - this.clock.now();
      if (wait > 0) await this.clock.sleep(wait, signal);
      this.grants[this.head] = this.clock.now();
      this.head = (this.head + 1) % this.limit;
    });
  }
}

export function limiterFor(rateLimit: { unit?: keyof typeof RATE_UNITS_MS | undefined; requestsPerUnit?: number | undefined } | undefined): SlidingWindowLimiter | undefined {
  if (!rateLimit?.requestsPerUnit) return undefined; // 0 or unset: no limit
  return new SlidingWindowLimiter(rateLimit.requestsPerUnit, RATE_UNITS_MS[rateLimit.unit ?? "Second"]);
}
