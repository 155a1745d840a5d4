// The Stripe webhook_endpoints calls createWebhook needs (docs.stripe.com/api/webhook_endpoints): form-encoded, Bearer API key.
export interface StripeEndpoint {
  id: string;
  url: string;
  enabled_events: string[];
  status: string;
  /** Only in the answer to a create. */
  secret?: string;
}

/** An answer other than success; the message has the call, the status and Stripe's error message, never the key. */
export class StripeApiError extends Error {
  constructor(readonly status: number, message: string) {
    super(message);
  }
}

export interface StripeApi {
  list(): Promise<StripeEndpoint[]>;
  create(url: string, enabledEvents: string[], description: string): Promise<StripeEndpoint>;
  update(id: string, url: string, enabledEvents: string[]): Promise<StripeEndpoint>;
  remove(id: string): Promise<void>;
}

export const DEFAULT_STRIPE_API = "https://api.stripe.com";

/** Stripe's form encoding of arrays: enabled_events[]=a&enabled_events[]=b. */
function form(fields: Record<string, string | string[]>): string {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(fields)) for (const x of Array.isArray(v) ? v : [v]) p.append(Array.isArray(v) ? `${k}[]` : k, x);
  return p.toString();
}

export function stripeApi(baseUrl: string, apiKey: string): StripeApi {
  const base = baseUrl.replace(/\/+$/, "");
  async function call<T>(method: string, path: string, body?: Record<string, string | string[]>): Promise<T> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${apiKey}`,
        "User-Agent": "impulse-eventsource",
        ...(body ? { "Content-Type": "application/x-www-form-urlencoded" } : {}),
      },
      ...(body ? { body: form(body) } : {}),
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (!res.ok) {
      let message = text.slice(0, 200);
      try {
        message = (JSON.parse(text) as { error?: { message?: string } }).error?.message ?? message;
      } catch {
        /* not JSON: keep the text */
      }
      // Stripe's own messages mask keys ("sk_test_****1234"); a proxy's might not: never repeat the key.
      throw new StripeApiError(res.status, `${method} ${path.split("?")[0]}: ${res.status} ${message.replaceAll(apiKey, "***")}`);
    }
    return JSON.parse(text) as T;
  }
  return {
    async list() {
      const out: StripeEndpoint[] = [];
      let after: string | undefined;
      for (;;) {
        const page = await call<{ data: StripeEndpoint[]; has_more: boolean }>("GET", `/v1/webhook_endpoints?limit=100${after ? `&starting_after=${encodeURIComponent(after)}` : ""}`);
        out.push(...page.data);
        if (!page.has_more || page.data.length === 0) return out;
        after = page.data[page.data.length - 1]!.id;
      }
    },
    create: (url, enabledEvents, description) => call("POST", "/v1/webhook_endpoints", { url, enabled_events: enabledEvents, description }),
    update: (id, url, enabledEvents) => call("POST", `/v1/webhook_endpoints/${encodeURIComponent(id)}`, { url, enabled_events: enabledEvents, disabled: "false" }),
    remove: (id) => call<unknown>("DELETE", `/v1/webhook_endpoints/${encodeURIComponent(id)}`).then(() => undefined),
  };
}
