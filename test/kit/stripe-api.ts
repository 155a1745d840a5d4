// A local Stripe API for webhook endpoints, written from docs.stripe.com/api/webhook_endpoints (create, list, retrieve,
// update, delete; form-encoded bodies; secret-key auth by Bearer or Basic), which also delivers events as Stripe does:
// signed with the endpoint's secret (Stripe-Signature t=…,v1=…), to the endpoint's URL.
import { createHmac, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { request } from "undici";

export interface StripeEndpointRecord {
  id: string;
  object: "webhook_endpoint";
  api_version: null;
  application: null;
  created: number;
  description: string | null;
  enabled_events: string[];
  livemode: false;
  metadata: Record<string, string>;
  secret: string;
  status: "enabled" | "disabled";
  url: string;
}

export interface StripeApiServer {
  /** Base URL for apiBaseURL. */
  url: string;
  endpoints: Map<string, StripeEndpointRecord>;
  /** Every request: method, path (with query), status. */
  requests: { method: string; path: string; status: number }[];
  /** Adds an endpoint as if made in the Dashboard (to test adopting or updating one). */
  addEndpoint(url: string, enabledEvents: string[]): StripeEndpointRecord;
  /** Sends `event` to every enabled endpoint subscribed to its type, signed with that endpoint's secret. */
  deliver(event: { id: string; type: string; [k: string]: unknown }): Promise<{ endpoint: string; status: number }[]>;
  close(): Promise<void>;
}

const err = (type: string, message: string, extra: Record<string, unknown> = {}) => ({ error: { type, message, ...extra } });

function send(res: ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { "Content-Type": "application/json", "Request-Id": `req_${randomBytes(7).toString("hex")}` });
  res.end(JSON.stringify(body));
}

/** Stripe's form decoding of what Impulse sends: scalars and `name[]` arrays. */
function decodeForm(raw: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const [k, v] of new URLSearchParams(raw)) out.set(k, [...(out.get(k) ?? []), v]);
  return out;
}

/** Without the secret: Stripe returns it only when the endpoint is created. */
const shown = ({ secret: _s, ...e }: StripeEndpointRecord) => e;

export async function startStripeApi(o: { apiKey: string }): Promise<StripeApiServer> {
  const endpoints = new Map<string, StripeEndpointRecord>();
  const requests: StripeApiServer["requests"] = [];
  const newEndpoint = (url: string, events: string[], description: string | null): StripeEndpointRecord => {
    const e: StripeEndpointRecord = {
      id: `we_${randomBytes(12).toString("hex")}`,
      object: "webhook_endpoint",
      api_version: null,
      application: null,
      created: Math.floor(Date.now() / 1000),
      description,
      enabled_events: events,
      livemode: false,
      metadata: {},
      secret: `whsec_${randomBytes(16).toString("hex")}`,
      status: "enabled",
      url,
    };
    endpoints.set(e.id, e);
    return e;
  };

  const authorized = (req: IncomingMessage) => {
    const h = req.headers.authorization ?? "";
    const bearer = /^Bearer (.+)$/.exec(h)?.[1];
    const basic = /^Basic (.+)$/.exec(h)?.[1];
    const key = bearer ?? (basic ? Buffer.from(basic, "base64").toString().split(":")[0] : undefined);
    return key === o.apiKey;
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string): number => {
    const url = new URL(req.url ?? "/", "http://x");
    if (!authorized(req)) {
      const given = (req.headers.authorization ?? "").replace(/^\S+\s+/, "");
      // Stripe masks all but the last 4 characters of a key it names.
      return send(res, 401, err("invalid_request_error", given ? `Invalid API Key provided: ${given.slice(0, 8)}****${given.slice(-4)}` : "You did not provide an API key.")), 401;
    }
    if (req.method === "POST" && !(req.headers["content-type"] ?? "").startsWith("application/x-www-form-urlencoded"))
      return send(res, 400, err("invalid_request_error", "Invalid request: bodies must be application/x-www-form-urlencoded")), 400;
    const form = decodeForm(raw);
    const one = (k: string) => form.get(k)?.[0];
    const list = (k: string) => form.get(`${k}[]`);
    if (url.pathname === "/v1/webhook_endpoints") {
      if (req.method === "GET") {
        const limit = Math.min(100, Number(url.searchParams.get("limit") ?? 10));
        const all = [...endpoints.values()].sort((a, b) => b.created - a.created || b.id.localeCompare(a.id));
        const after = url.searchParams.get("starting_after");
        const start = after ? all.findIndex((e) => e.id === after) + 1 : 0;
        const page = all.slice(start, start + limit);
        return send(res, 200, { object: "list", data: page.map(shown), has_more: start + limit < all.length, url: "/v1/webhook_endpoints" }), 200;
      }
      if (req.method === "POST") {
        const target = one("url");
        const events = list("enabled_events");
        if (!target) return send(res, 400, err("invalid_request_error", "Missing required param: url.", { param: "url" })), 400;
        if (!events?.length) return send(res, 400, err("invalid_request_error", "Missing required param: enabled_events.", { param: "enabled_events" })), 400;
        return send(res, 200, newEndpoint(target, events, one("description") ?? null)), 200;
      }
    }
    const m = /^\/v1\/webhook_endpoints\/([^/]+)$/.exec(url.pathname);
    if (m) {
      const e = endpoints.get(decodeURIComponent(m[1]!));
      if (!e) return send(res, 404, err("invalid_request_error", `No such webhook endpoint: '${m[1]}'`, { code: "resource_missing" })), 404;
      if (req.method === "GET") return send(res, 200, shown(e)), 200;
      if (req.method === "POST") {
        if (one("url")) e.url = one("url")!;
        if (list("enabled_events")?.length) e.enabled_events = list("enabled_events")!;
        if (one("disabled") !== undefined) e.status = one("disabled") === "true" ? "disabled" : "enabled";
        if (one("description") !== undefined) e.description = one("description")!;
        return send(res, 200, shown(e)), 200;
      }
      if (req.method === "DELETE") {
        endpoints.delete(e.id);
        return send(res, 200, { id: e.id, object: "webhook_endpoint", deleted: true }), 200;
      }
    }
    return send(res, 404, err("invalid_request_error", `Unrecognized request URL (${req.method}: ${url.pathname}).`)), 404;
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const status = handle(req, res, Buffer.concat(chunks).toString("utf8"));
      requests.push({ method: req.method ?? "", path: req.url ?? "", status });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    endpoints,
    requests,
    addEndpoint: (url, events) => newEndpoint(url, events, null),
    async deliver(event) {
      const out: { endpoint: string; status: number }[] = [];
      const body = JSON.stringify({ object: "event", api_version: "2024-06-20", created: Math.floor(Date.now() / 1000), livemode: false, pending_webhooks: 1, ...event });
      for (const e of endpoints.values()) {
        if (e.status !== "enabled" || !(e.enabled_events.includes("*") || e.enabled_events.includes(event.type))) continue;
        const t = Math.floor(Date.now() / 1000);
        const sig = createHmac("sha256", e.secret).update(`${t}.${body}`).digest("hex");
        const res = await request(e.url, { method: "POST", headers: { "content-type": "application/json; charset=utf-8", "stripe-signature": `t=${t},v1=${sig}`, "user-agent": "Stripe/1.0 (+https://stripe.com/docs/webhooks)" }, body });
        await res.body.dump();
        out.push({ endpoint: e.id, status: res.statusCode });
      }
      return out;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
