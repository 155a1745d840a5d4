// JSON POSTs to a notification service's API (Slack, Teams): egress-checked and pinned, with 429 + Retry-After honoured.
import { ErrorCodes, ImpulseError, redactUrl } from "@impulse/api";
import type { Logger } from "pino";
import { Pool } from "undici";
import { egressGuard, pinnedLookup } from "../../egress/guard.js";
import { compileEgress, type EgressLevel } from "../../egress/policy.js";
import { sleep } from "../../delivery/sleep.js";

export interface PostResult {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** How often one call waits out a 429 before it gives up and leaves the rest to the firing's retryStrategy. */
export const MAX_RATE_LIMIT_WAITS = 5;
/** Without a usable Retry-After a 429 is waited out for this long. */
const DEFAULT_RETRY_AFTER_MS = 1000;
const MAX_KEPT = 4096;
const MAX_POOLS = 16;

/** Retry-After as seconds or an HTTP date (RFC 9110 §10.2.3), in ms from now; undefined when absent or unreadable. */
export function retryAfterMs(value: string | string[] | undefined, now = Date.now()): number | undefined {
  const v = Array.isArray(value) ? value[0] : value;
  if (v === undefined || v.trim() === "") return undefined;
  if (/^\s*\d+\s*$/.test(v)) return Number(v) * 1000;
  const at = Date.parse(v);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export interface JsonPoster {
  /**
   * POSTs `body` as JSON. A 429 is waited out (Retry-After) and sent again, up to MAX_RATE_LIMIT_WAITS times; every
   * call of this poster to the same origin waits too, so concurrent firings do not hammer a limited API. Network
   * errors and timeouts throw a retryable ImpulseError naming `what` (never the headers, which carry tokens).
   */
  post(url: string, body: unknown, o: { headers: Record<string, string>; what: string; logger: Logger; timeoutMs?: number }): Promise<PostResult>;
}

/**
 * One poster per trigger: owns its connection pools (destroyed when `signal` aborts). URLs given to it are configuration
 * (the template's API base, a webhook URL from a Secret), checked against the egress policy as a configured URL.
 */
export function jsonPoster(egress: EgressLevel[] | undefined, signal: AbortSignal): JsonPoster {
  const guard = egressGuard(compileEgress(egress ?? []));
  const pools = new Map<string, { pool: Pool; until: number }>();
  const pausedUntil = new Map<string, number>();
  signal.addEventListener("abort", () => void Promise.allSettled([...pools.values()].map((p) => p.pool.destroy())), { once: true });

  const poolFor = async (u: URL): Promise<Pool> => {
    const hit = pools.get(u.origin);
    if (hit && hit.until >= Date.now()) return hit.pool;
    const checked = await guard(u, true);
    if (hit) void hit.pool.close().catch(() => undefined);
    if (pools.size >= MAX_POOLS && !hit) {
      const [oldKey, old] = pools.entries().next().value!;
      pools.delete(oldKey);
      void old.pool.close().catch(() => undefined);
    }
    const pool = new Pool(u.origin, { keepAliveTimeout: 30_000, connect: { lookup: pinnedLookup(checked.address, checked.family) } });
    // An IP literal's verdict never changes; a name's is taken again when its resolution may have changed.
    pools.set(u.origin, { pool, until: /^[\d.]+$|^\[/.test(u.hostname) ? Infinity : Date.now() + 5_000 });
    return pool;
  };

  return {
    async post(url, body, { headers, what, logger, timeoutMs = 30_000 }) {
      const u = new URL(url);
      const payload = JSON.stringify(body);
      for (let waits = 0; ; waits++) {
        const paused = (pausedUntil.get(u.origin) ?? 0) - Date.now();
        if (paused > 0) await sleep(paused, signal);
        const pool = await poolFor(u);
        signal.throwIfAborted(); // a pool made after the shutdown's destroy would otherwise carry this call
        let res;
        try {
          res = await pool.request({
            path: u.pathname + u.search,
            method: "POST",
            headers: { "content-type": "application/json; charset=utf-8", ...headers },
            body: payload,
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs,
            // No per-request signal (an abort listener per call on the sensor's one signal cost throughput, and
            // Node warned of 11+ listeners at the default 32 in flight): shutdown destroys the pools instead,
            // which fails the calls in flight, as the HTTP trigger does.
          });
        } catch (e) {
          if (signal.aborted) throw e;
          const timedOut = /timeout/i.test((e as Error).name + (e as Error).message);
          throw new ImpulseError(timedOut ? ErrorCodes.TriggerTimeout : ErrorCodes.TriggerFailed, `${what}: ${redactUrl((e as Error).message)}`, { retryable: true, cause: e });
        }
        const raw = await res.body.text();
        const text = raw.length > MAX_KEPT ? raw.slice(0, MAX_KEPT) + "…" : raw;
        if (res.statusCode !== 429 || waits >= MAX_RATE_LIMIT_WAITS) return { status: res.statusCode, headers: res.headers, text };
        const waitMs = retryAfterMs(res.headers["retry-after"]) ?? DEFAULT_RETRY_AFTER_MS;
        pausedUntil.set(u.origin, Math.max(pausedUntil.get(u.origin) ?? 0, Date.now() + waitMs));
        logger.warn({ retryAfterMs: waitMs, wait: waits + 1, of: MAX_RATE_LIMIT_WAITS }, `${what}: rate limited (429); waiting as Retry-After says, then sending again`);
      }
    },
  };
}
