// The http trigger: one request per firing; success is decided by policy.status.allow (default: any 2xx).
import { ErrorCodes, HttpTriggerTemplate, ImpulseError, PolicyError } from "@impulse/api";
import { Pool } from "undici";
import { defineTrigger } from "./define.js";

export interface HttpResult {
  status: number;
  body: string;
}

const MAX_BODY_KEPT = 2048;

export const http = defineTrigger({
  type: "http",
  templateSchema: HttpTriggerTemplate,
  hasPayload: true,
  create(ctx) {
    // Connection pools per origin, owned by this trigger. Shutdown destroys them, failing in-flight calls so
    // their events are redelivered: a per-request AbortSignal cost ~20 % of sensor throughput (docs/performance.md).
    const pools = new Map<string, Pool>();
    const target = (url: string): { pool: Pool; path: string } => {
      const u = new URL(url);
      let pool = pools.get(u.origin);
      if (!pool) pools.set(u.origin, (pool = new Pool(u.origin, { keepAliveTimeout: 30_000 })));
      return { pool, path: u.pathname + u.search };
    };
    let last: { url: string; pool: Pool; path: string } | undefined; // most firings reuse one URL
    ctx.signal.addEventListener("abort", () => void Promise.allSettled([...pools.values()].map((p) => p.destroy())), { once: true });
    return {
      async execute({ template: t, payload, idempotencyKey }): Promise<HttpResult> {
        const headers: Record<string, string> = { "Idempotency-Key": idempotencyKey, ...(t.headers ?? {}) };
        for (const h of t.secureHeaders ?? []) {
          const ref = h.valueFrom.secretKeyRef ?? h.valueFrom.configMapKeyRef;
          if (ref) headers[h.name] = await ctx.secrets(ref);
        }
        if (t.basicAuth?.username && t.basicAuth.password) {
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
          if (last?.url !== t.url) last = { url: t.url, ...target(t.url) };
          const res = await last.pool.request({
            path: last.path,
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
          throw new ImpulseError(timedOut ? ErrorCodes.TriggerTimeout : ErrorCodes.TriggerFailed, `${method} ${t.url}: ${(e as Error).message}`, { retryable: true, cause: e });
        }
      },
    };
  },
  applyPolicy(result, policy) {
    const allow = policy?.status?.allow;
    const ok = allow ? allow.includes(result.status) : result.status >= 200 && result.status < 300;
    if (!ok) throw new PolicyError(`HTTP ${result.status} is not allowed by ${allow ? `policy.status.allow ${JSON.stringify(allow)}` : "the default policy (2xx)"}: ${result.body.slice(0, 200)}`);
  },
  describe: (r) => `HTTP ${r.status}`,
});
