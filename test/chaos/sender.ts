// The chaos run's client: sends events 0..n-1 at a steady rate as CloudEvents with their own ids, and retries
// each until the webhook answers 2xx (503 and connection errors are expected while something restarts).
import { Agent, request } from "undici";

export interface SendResult {
  /** Event numbers the webhook answered 2xx for. */
  accepted: Set<number>;
  /** Event numbers given up on (never a 2xx within the time allowed), or refused with a 4xx. */
  unaccepted: Set<number>;
  /** Requests that failed and were retried (503, other 5xx, connection errors, timeouts). */
  retries: number;
}

export interface SendOptions {
  url: string;
  count: number;
  ratePerSec: number;
  /** Distinguishes this run's CloudEvent ids from earlier runs' on the same bus. */
  runId: string;
  /** How long one event keeps being retried before it counts as unaccepted. */
  giveUpMs?: number;
  signal?: AbortSignal;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function sendSteadily(o: SendOptions): Promise<SendResult> {
  const result: SendResult = { accepted: new Set(), unaccepted: new Set(), retries: 0 };
  const agent = new Agent({ connections: 64, headersTimeout: 15_000, bodyTimeout: 15_000 });
  const giveUpMs = o.giveUpMs ?? 180_000;

  const sendOne = async (n: number) => {
    const deadline = Date.now() + giveUpMs;
    for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
      try {
        const r = await request(o.url, {
          method: "POST",
          dispatcher: agent,
          headers: {
            "content-type": "application/json",
            "ce-specversion": "1.0",
            "ce-id": `${o.runId}-${n}`,
            "ce-source": "chaos",
            "ce-type": "chaos.event",
          },
          body: JSON.stringify({ n }),
        });
        await r.body.dump();
        if (r.statusCode >= 200 && r.statusCode < 300) return void result.accepted.add(n);
        if (r.statusCode < 500) return void result.unaccepted.add(n); // bad input: retrying would not help
      } catch {
        /* connection refused or reset while the EventSource restarts: retry */
      }
      result.retries++;
      if (Date.now() + delay > deadline || o.signal?.aborted) return void result.unaccepted.add(n);
      await sleep(delay);
    }
  };

  const start = performance.now();
  const pending = new Set<Promise<void>>();
  for (let n = 0; n < o.count && !o.signal?.aborted; n++) {
    const due = start + (n * 1000) / o.ratePerSec;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    const p = sendOne(n).finally(() => pending.delete(p));
    pending.add(p);
  }
  await Promise.all(pending);
  await agent.close();
  return result;
}
