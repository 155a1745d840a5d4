// The http trigger: one request per firing; success is decided by policy.status.allow (default: any 2xx).
import { ErrorCodes, HttpTriggerTemplate, ImpulseError, PolicyError } from "@impulse/api";
import { request } from "undici";
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
    return {
      async execute({ template: t, payload, idempotencyKey }, signal): Promise<HttpResult> {
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
          const res = await request(t.url, {
            method: method as "POST",
            headers,
            ...(hasBody ? { body: JSON.stringify(payload) } : {}),
            // undici's own timers: a per-request AbortSignal.timeout/any measured costly on this hot path.
            headersTimeout: timeoutMs,
            bodyTimeout: timeoutMs,
            signal,
          });
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
