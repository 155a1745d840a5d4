// A work queue of keys, as client-go's: one worker per key at a time, a key added while in progress runs again after, failures back off.

export interface QueueOptions {
  /** First retry delay after a failure (doubles per consecutive failure of that key). */
  baseDelayMs?: number;
  maxDelayMs?: number;
}

export class WorkQueue {
  private readonly ready: string[] = [];
  /** Keys waiting to run (in `ready`, or re-added while in progress). */
  private readonly queued = new Set<string>();
  private readonly active = new Set<string>();
  private readonly failures = new Map<string, number>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private wake: (() => void) | undefined;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;

  constructor(o: QueueOptions = {}) {
    this.baseDelayMs = o.baseDelayMs ?? 500;
    this.maxDelayMs = o.maxDelayMs ?? 5 * 60_000;
  }

  get depth(): number {
    return this.queued.size;
  }

  add(key: string): void {
    if (this.queued.has(key)) return;
    this.queued.add(key);
    // A key in progress is queued again once its worker finishes, never run twice at once.
    if (!this.active.has(key)) {
      this.ready.push(key);
      this.wake?.();
    }
  }

  addAfter(key: string, ms: number): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      this.add(key);
    }, ms);
    t.unref();
    this.timers.add(t);
  }

  /** Schedules a retry with per-key exponential backoff; returns the delay. */
  retry(key: string): number {
    const n = (this.failures.get(key) ?? 0) + 1;
    this.failures.set(key, n);
    const delay = Math.min(this.maxDelayMs, this.baseDelayMs * 2 ** (n - 1));
    this.addAfter(key, delay);
    return delay;
  }

  /** The key succeeded: its next failure starts from the base delay again. */
  forget(key: string): void {
    this.failures.delete(key);
  }

  /** Runs `workers` loops until the signal aborts; each waits for the handler of the key in progress before exiting. */
  async run(workers: number, handler: (key: string) => Promise<void>, signal: AbortSignal): Promise<void> {
    const onAbort = () => this.wake?.();
    signal.addEventListener("abort", onAbort, { once: true });
    const loop = async () => {
      while (!signal.aborted) {
        const key = this.ready.shift();
        if (key === undefined) {
          await new Promise<void>((resolve) => {
            const prev = this.wake;
            this.wake = () => {
              this.wake = prev;
              prev?.();
              resolve();
            };
          });
          continue;
        }
        this.queued.delete(key);
        this.active.add(key);
        try {
          await handler(key);
        } catch {
          // The handler logs and schedules its own retries; a throw must not stop this worker.
        } finally {
          this.active.delete(key);
          if (this.queued.has(key)) {
            this.ready.push(key);
            this.wake?.();
          }
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: workers }, loop));
    } finally {
      signal.removeEventListener("abort", onAbort);
      for (const t of this.timers) clearTimeout(t);
      this.timers.clear();
    }
  }
}
