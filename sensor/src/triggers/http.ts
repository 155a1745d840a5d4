// The http trigger: one request per firing; success is decided by policy.status.allow (default: any 2xx).
import { ErrorCodes, HttpTriggerTemplate, ImpulseError, PolicyError, redactUrl, traceHeaders } from "@impulse/api";
import { Pool } from "undici";
import { egressGuard, pinnedLookup } from "../egress/guard.js";
import { compileEgress } from "../egress/policy.js";
import { defineTrigger } from "./define.js";

export interface HttpResult {
  status: number;
  body: string;
}

const MAX_BODY_KEPT = 2048;
const MAX_POOLS = 64;

interface Target {
  url: string;
  pool: Pool;
  path: string;
  secretsAllowed: boolean;
  /** When the egress verdict must be taken again (a host name's addresses may change). */
  until: number;
}

export const http = defineTrigger({
  type: "http",
  templateSchema: HttpTriggerTemplate,
  hasPayload: true,
  create(ctx) {
    // Connection pools per origin, owned by this trigger. Shutdown destroys them, failing in-flight calls so
    // their events are redelivered: a per-request AbortSignal cost ~20 % of sensor throughput (docs/performance.md).
    // One pool per origin and checked address: the socket connects to the address the egress policy approved.
    const pools = new Map<string, Pool>();
    const guard = egressGuard(compileEgress(ctx.egress ?? []));
    const configuredUrl = ctx.template?.http?.url;
    const configuredOrigin = configuredUrl ? new URL(configuredUrl).origin : undefined;
    const target = async (url: string): Promise<Target> => {
      const u = new URL(url);
      // A Sensor always passes its template; an executor used directly has no configured url: its urls count as configured.
      const checked = await guard(u, ctx.template ? u.origin === configuredOrigin : true);
      const key = `${u.origin} ${checked.address}`;
      let pool = pools.get(key);
      if (!pool) {
        // URLs from events could open pools without end: past the bound the oldest closes (its in-flight calls finish).
        if (pools.size >= MAX_POOLS) {
          const [oldKey, oldPool] = pools.entries().next().value!;
          pools.delete(oldKey);
          void oldPool.close().catch(() => undefined);
        }
        pools.set(key, (pool = new Pool(u.origin, { keepAliveTimeout: 30_000, connect: { lookup: pinnedLookup(checked.address, checked.family) } })));
      }
      // An IP literal's verdict never changes; a name's is re-checked when its resolution expires.
      const until = u.hostname.match(/^[\d.]+$|^\[/) ? Infinity : Date.now() + 5_000;
      return { url, pool, path: u.pathname + u.search, secretsAllowed: checked.secretsAllowed, until };
    };
    let last: Target | undefined; // most firings reuse one URL
    ctx.signal.addEventListener("abort", () => void Promise.allSettled([...pools.values()].map((p) => p.destroy())), { once: true });
    return {
      async execute({ template: t, payload, idempotencyKey, replay, trace, logger }): Promise<HttpResult> {
        // The egress check comes first: a refused URL fails the firing before any secret is read.
        const to = last?.url === t.url && last.until >= Date.now() ? last : (last = await target(t.url));
        // traceparent/tracestate before the template's headers: a header the user set wins.
        const headers: Record<string, string> = { "Idempotency-Key": idempotencyKey, ...(replay ? { "Impulse-Replay": replay } : {}), ...(trace ? traceHeaders(trace) : {}), ...(t.headers ?? {}) };
        const withSecrets = to.secretsAllowed || (!t.secureHeaders?.length && !t.basicAuth);
        if (!withSecrets) logger.warn({ origin: new URL(t.url).origin }, "secureHeaders and basicAuth are not sent: the url is not the template's configured host (egressPolicy.secureHeaders: allowedHosts permits allowed hosts)");
        for (const h of withSecrets ? (t.secureHeaders ?? []) : []) {
          const ref = h.valueFrom.secretKeyRef ?? h.valueFrom.configMapKeyRef;
          if (ref) headers[h.name] = await ctx.secrets(ref);
        }
        if (withSecrets && t.basicAuth?.username && t.basicAuth.password) {
          const user = await ctx.secrets(t.basicAuth.username);
          const pass = await ctx.secrets(t.basicAuth.password);
          headers["Authorization"] = "Basic " + Buffer.from(`${user}:${pass}`).toString("base64");
        }
        if (t.host) headers["Host"] = t.host;
        const method = t.method ?? "POST";
        const hasBody = method !== "GET" && payload !== undefined;
        // Argo sends no Content-Type; the body is always JSON, so say so unless the user set one.
        if (hasBody && !Object.keys(headers).some((k) => k.toLowerCase() === "content-type")) headers["Content-Type"] = "application/json";
        const timeoutMs = (t.timeout ?? 60) * 1000;
        try {
          const res = await to.pool.request({
            path: to.path,
            method: method as "POST",
            headers,
            ...(hasBody ? { body: JSON.stringify(payload) } : {}),
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs,
          });
          // Success bodies are not used: drain them without decoding (measurable at load).
          if (res.statusCode >= 200 && res.statusCode < 300) {
            await res.body.dump();
            return { status: res.statusCode, body: "" };
          }
          const text = await res.body.text();
          return { status: res.statusCode, body: text.length > MAX_BODY_KEPT ? text.slice(0, MAX_BODY_KEPT) + "…" : text };
        } catch (e) {
          const timedOut = /timeout/i.test((e as Error).name + (e as Error).message);
          throw new ImpulseError(timedOut ? ErrorCodes.TriggerTimeout : ErrorCodes.TriggerFailed, `${method} ${redactUrl(t.url)}: ${redactUrl((e as Error).message)}`, { retryable: true, cause: e });
        }
      },
    };
  },
  applyPolicy(result, policy) {
    const allow = policy?.status?.allow;
    const ok = allow ? allow.includes(result.status) : result.status >= 200 && result.status < 300;
    if (!ok) throw new PolicyError(`HTTP ${result.status} is not allowed by ${allow ? `policy.status.allow ${JSON.stringify(allow)}` : "the default policy (2xx)"}: ${result.body.slice(0, 200)}`);
  },
  span(t) {
    const method = t.method ?? "POST";
    const u = new URL(t.url);
    // HTTP client span (semantic conventions); the query and credentials stay out of url.full.
    return {
      name: method,
      kind: "client",
      attributes: { "http.request.method": method, "url.full": `${u.origin}${u.pathname}`, "server.address": u.hostname, "server.port": Number(u.port) || (u.protocol === "https:" ? 443 : 80) },
    };
  },
  spanResult: (r) => ({ "http.response.status_code": r.status, ...(r.status >= 400 ? { "error.type": String(r.status) } : {}) }),
  describe: (r) => `HTTP ${r.status}`,
});
