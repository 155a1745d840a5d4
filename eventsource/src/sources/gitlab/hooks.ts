// What a GitLab delivery must satisfy before it is stored: the secret token, the event kind, a JSON body (pure, unit-tested).
import { createHash, timingSafeEqual } from "node:crypto";
import { GITLAB_EVENTS, type GitlabConfig } from "@impulse/api";
import { forbidden, unauthorized } from "../webhook/hmac.js";
import { headerValue, type Delivery, type RouteHooks } from "../webhook/hooks.js";
import { HttpError } from "../webhook/http-error.js";

const digest = (s: string) => createHash("sha256").update(s).digest();
const ID = /^[\x21-\x7e]{1,128}$/;

/** GitLab sends the hook's secret token as is in X-Gitlab-Token (no HMAC); compared in constant time via digests. */
export function verifyGitlabToken(d: Delivery, secret: string): void {
  const given = headerValue(d, "X-Gitlab-Token");
  if (given === undefined || given === "") throw unauthorized("missing X-Gitlab-Token header: set the hook's secret token to the secretToken");
  if (!timingSafeEqual(digest(given), digest(secret))) throw forbidden("X-Gitlab-Token does not match the secretToken");
}

export function gitlabHooks(cfg: GitlabConfig, secret: string | undefined): RouteHooks {
  const accepted = new Set<string>(cfg.events.map((e) => GITLAB_EVENTS[e][1]));
  return {
    headersField: "headers",
    ...(secret !== undefined ? { verify: (d: Delivery) => verifyGitlabToken(d, secret) } : {}),
    select(d) {
      const kind = headerValue(d, "X-Gitlab-Event");
      if (!kind) throw new HttpError(400, "invalid", "missing X-Gitlab-Event header: not a GitLab delivery");
      return accepted.has(kind) ? undefined : `event kind '${kind}' is not in events`;
    },
    // GitLab 17.4+: Idempotency-Key stays the same when a delivery is retried, so a retry is stored once.
    eventId(d) {
      const key = headerValue(d, "Idempotency-Key");
      return key !== undefined && ID.test(key) ? key : undefined;
    },
  };
}
