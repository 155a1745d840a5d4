// What a GitHub delivery must satisfy before it is stored: signature, event type, body shape, delivery id (pure, unit-tested).
import type { GithubConfig } from "@impulse/api";
import { decodeSignature, forbidden, hmacDigest, safeEqual, unauthorized } from "../webhook/hmac.js";
import { headerValue, type Delivery, type RouteHooks } from "../webhook/hooks.js";
import { HttpError } from "../webhook/http-error.js";
import { parseJsonBody } from "../webhook/body.js";

export const EVENT_HEADER = "X-GitHub-Event";
export const DELIVERY_HEADER = "X-GitHub-Delivery";
/** A delivery id is a GUID; anything printable up to this length is kept as the event id. */
const DELIVERY_ID = /^[\x21-\x7e]{1,128}$/;

/**
 * X-Hub-Signature-256 (`sha256=<hex>`), or the legacy X-Hub-Signature (`sha1=<hex>`) when only that is sent, as
 * GitHub's own libraries accept. Over the raw body, whatever the content type.
 */
export function verifyGithubSignature(d: Delivery, secret: string): void {
  const s256 = headerValue(d, "X-Hub-Signature-256");
  const s1 = s256 === undefined ? headerValue(d, "X-Hub-Signature") : undefined;
  const [given, algorithm, header] = s256 !== undefined ? [s256, "sha256", "X-Hub-Signature-256"] as const : [s1, "sha1", "X-Hub-Signature"] as const;
  if (!given) throw unauthorized("missing X-Hub-Signature-256 header: set the hook's secret to the webhookSecret");
  const prefix = `${algorithm}=`;
  const sig = given.slice(0, prefix.length).toLowerCase() === prefix ? decodeSignature(given.slice(prefix.length), "hex") : undefined;
  if (!sig || !safeEqual(sig, hmacDigest(algorithm, secret, [d.raw]))) throw forbidden(`${header} does not match the webhookSecret`);
}

/** The payload: a JSON body, or a form's `payload` field (contentType form); GitHub sends an object either way. */
export function githubPayload(d: Delivery): Record<string, unknown> {
  const type = headerValue(d, "content-type") ?? "";
  let payload: unknown;
  if (type.startsWith("application/x-www-form-urlencoded")) {
    const field = new URLSearchParams(d.raw.toString("utf8")).get("payload");
    if (field === null) throw new HttpError(400, "invalid", "form delivery without a payload field");
    payload = parseJsonBody(Buffer.from(field, "utf8"));
  } else payload = parseJsonBody(d.raw);
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) throw new HttpError(400, "invalid", "a GitHub delivery's payload is a JSON object");
  // As Argo: the event type and delivery id are copied into the body, so filters can use body.X-GitHub-Event.
  const out = payload as Record<string, unknown>;
  out[EVENT_HEADER] = headerValue(d, EVENT_HEADER) ?? "";
  out[DELIVERY_HEADER] = headerValue(d, DELIVERY_HEADER) ?? "";
  return out;
}

export function githubHooks(cfg: GithubConfig, secret: string | undefined): RouteHooks {
  const all = cfg.events.length === 0 || cfg.events.includes("*");
  const events = new Set(cfg.events);
  return {
    headersField: "headers",
    ...(secret !== undefined ? { verify: (d: Delivery) => verifyGithubSignature(d, secret) } : {}),
    select(d) {
      const type = headerValue(d, EVENT_HEADER);
      if (!type) throw new HttpError(400, "invalid", `missing ${EVENT_HEADER} header: not a GitHub delivery`);
      return all || events.has(type) ? undefined : `event type '${type}' is not in events`;
    },
    body: githubPayload,
    eventId(d) {
      const id = headerValue(d, DELIVERY_HEADER);
      return id !== undefined && DELIVERY_ID.test(id) ? id : undefined;
    },
  };
}
