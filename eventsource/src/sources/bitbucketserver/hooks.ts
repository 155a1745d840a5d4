// What a Bitbucket Server delivery must satisfy before it is stored: HMAC signature, event key, JSON body (pure, unit-tested).
import type { BitbucketServerConfig } from "@impulse/api";
import { decodeSignature, forbidden, hmacDigest, safeEqual, unauthorized } from "../webhook/hmac.js";
import { headerValue, type Delivery, type RouteHooks } from "../webhook/hooks.js";
import { HttpError } from "../webhook/http-error.js";
import { expandRefsChanged, type RefsChangedOptions } from "./refs-changed.js";

const ID = /^[\x21-\x7e]{1,128}$/;

/** Bitbucket Server signs with the hook's secret: `X-Hub-Signature: sha256=<hex HMAC-SHA256 of the raw body>`. */
export function verifyBitbucketServerSignature(d: Delivery, secret: string): void {
  const given = headerValue(d, "X-Hub-Signature");
  if (!given) throw unauthorized("missing X-Hub-Signature header: set the hook's secret to the webhookSecret");
  const sig = given.slice(0, 7).toLowerCase() === "sha256=" ? decodeSignature(given.slice(7), "hex") : undefined;
  if (!sig || !safeEqual(sig, hmacDigest("sha256", secret, [d.raw]))) throw forbidden("X-Hub-Signature does not match the webhookSecret");
}

export function bitbucketServerHooks(cfg: Pick<BitbucketServerConfig, "events">, secret: string | undefined, refs?: RefsChangedOptions): RouteHooks {
  const events = new Set(cfg.events);
  return {
    ...(refs && (refs.oneEventPerChange || refs.hasOpenPullRequest) ? { expand: (body: unknown, d: Delivery) => expandRefsChanged(headerValue(d, "X-Event-Key"), body, refs) } : {}),
    headersField: "headers",
    ...(secret !== undefined ? { verify: (d: Delivery) => verifyBitbucketServerSignature(d, secret) } : {}),
    select(d) {
      const key = headerValue(d, "X-Event-Key");
      if (!key) throw new HttpError(400, "invalid", "missing X-Event-Key header: not a Bitbucket Server delivery");
      return events.size === 0 || events.has(key) ? undefined : `event key '${key}' is not in events`;
    },
    eventId(d) {
      const id = headerValue(d, "X-Request-Id");
      return id !== undefined && ID.test(id) ? id : undefined;
    },
  };
}
