// The stripe endpoint's hooks: verify the signature, filter on event type, Argo's {event, metadata} data, the event's id.
import type { StripeConfig } from "@impulse/api";
import { parseJsonBody } from "../webhook/body.js";
import type { Delivery, RouteHooks } from "../webhook/hooks.js";
import { HttpError } from "../webhook/http-error.js";
import type { SecretHolder } from "./registrar.js";
import { verifyStripe } from "./verify.js";

interface StripeEvent {
  id: string;
  type: string;
  [k: string]: unknown;
}

function parseEvent(d: Delivery): StripeEvent {
  const doc = parseJsonBody(d.raw);
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new HttpError(400, "invalid", "not a Stripe event: a JSON object is expected");
  const e = doc as Record<string, unknown>;
  if (typeof e["id"] !== "string" || e["id"] === "" || typeof e["type"] !== "string")
    throw new HttpError(400, "invalid", "not a Stripe event: string id and type are expected");
  return e as StripeEvent;
}

export function stripeHooks(cfg: StripeConfig, holder: SecretHolder): RouteHooks {
  const parsed = new WeakMap<Delivery, StripeEvent>();
  const parse = (d: Delivery) => {
    let e = parsed.get(d);
    if (!e) parsed.set(d, (e = parseEvent(d)));
    return e;
  };
  const filter = cfg.eventFilter?.length ? new Set(cfg.eventFilter) : undefined;
  const metadata = cfg.metadata && Object.keys(cfg.metadata).length ? cfg.metadata : undefined;
  return {
    verify(d) {
      const secret = holder.current;
      // createWebhook without signingSecret: until the endpoint is registered nothing can be verified; Stripe retries.
      if (secret === undefined)
        throw new HttpError(503, "not_ready", "the Stripe endpoint is not registered yet: its signing secret is unknown; retry later", { "Retry-After": "5" });
      verifyStripe(d, secret, cfg.toleranceSeconds);
    },
    select(d) {
      const type = parse(d).type;
      return filter && !filter.has(type) ? `event type '${type}' is not in eventFilter` : undefined;
    },
    body: parse,
    eventId: (d) => parse(d).id,
    data: (body) => (metadata ? { event: body, metadata } : { event: body }),
  };
}
