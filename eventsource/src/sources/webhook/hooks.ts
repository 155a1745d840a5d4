// The seam of the webhook family: what a source type (github, gitlab, slack, ...) plugs into a shared webhook endpoint.
//
// Every request to an endpoint runs, in this order (route.ts):
//   method → authSecret bearer → body read (size-capped) → verify → select → answer → body → eventId → emit.
// `verify` sees the raw bytes before anything is parsed or stored, so an unsigned request costs nothing but the read.
// Refusals are HttpErrors (http-error.ts): their status is the answer, their `reason` labels
// impulse_eventsource_events_failed_total. Messages must never contain a secret: they are sent back and logged at debug.
import type { IncomingHttpHeaders } from "node:http";

/** A request answered by the source itself (nothing stored). */
export interface HookAnswer {
  status: number;
  body: unknown;
}

/** What `expand` makes of one delivery. */
export interface Expansion {
  parts: { body: unknown; key?: string }[];
  /** Why there are no parts (answered and logged). */
  reason?: string;
}

/** One received request, as the hooks see it. */
export interface Delivery {
  method: string;
  /** Node's lower-cased header map. Use `headerValue` for a single value. */
  headers: IncomingHttpHeaders;
  /** The body exactly as received: HMACs are computed over these bytes. */
  raw: Buffer;
  /** The query string without "?". */
  query: string;
}

/** What a webhook-family source contributes to each of its endpoints; every hook is optional. */
export interface RouteHooks {
  /**
   * Authenticates the sender: throw HttpError 401 (missing signature or token) or 403 (wrong or stale), reason
   * "unauthorized"/"forbidden". Runs before any parsing or storing. Compare with `safeEqual` (hmac.ts). May return a
   * promise when checking needs I/O (sns: the signing certificate is fetched, then cached).
   */
  verify?(d: Delivery): void | Promise<void>;
  /**
   * Event-type filter: return a reason (e.g. "event type 'issues' is not in events") to skip the delivery. It is
   * answered 200 {status:"filtered"} (the sender did nothing wrong; a 4xx would make it retry or disable the hook)
   * and counted in impulse_eventsource_events_filtered_total{reason="event_type"}.
   */
  select?(d: Delivery): string | undefined;
  /**
   * Answers the request itself without storing anything (e.g. Slack's url_verification challenge); may do I/O first
   * (sns: confirming a subscription). A thrown HttpError is the answer, as for verify.
   */
  answer?(d: Delivery): HookAnswer | undefined | Promise<HookAnswer | undefined>;
  /** Decodes the body (default: JSON, or a form's values map); throw HttpError 400 for a malformed one. */
  body?(d: Delivery): unknown;
  /**
   * The sender's delivery id (X-GitHub-Delivery, ...), used as the event id: the bus stores a resent delivery once
   * (inside its duplicate window) and the answer says `duplicate: true`. Undefined: a fresh id.
   */
  eventId?(d: Delivery): string | undefined;
  /**
   * Builds the event data from the decoded body, for senders whose Argo data is not `{header(s), body, metadata}`
   * (slack: the inner event; stripe: `{event, metadata}`). Default: that shape.
   */
  data?(body: unknown, d: Delivery): unknown;
  /**
   * Turns one delivery's decoded body into several events, or none (bitbucketserver: oneEventPerChange, changes of
   * branches with an open pull request dropped). Each part's `key` is appended to the delivery's event id
   * ("<id>:<key>") so a resent delivery stores each part once. No parts: answered 200 {status:"filtered", reason},
   * counted as filtered. May do I/O; a thrown HttpError is the answer.
   */
  expand?(body: unknown, d: Delivery): Expansion | Promise<Expansion>;
  /**
   * Name of the headers field in the event data: "header" for the plain webhook (Argo's WebhookEventData), "headers"
   * for the Git family (Argo's GithubEventData, ...). Default "header".
   */
  headersField?: "header" | "headers";
  /** Ingest CloudEvents (binary or structured) as CloudEvents; only the plain webhook does. Default false. */
  cloudEvents?: boolean;
}

/** The first value of a header (names are case-insensitive), or undefined. */
export function headerValue(d: Delivery, name: string): string | undefined {
  const v = d.headers[name.toLowerCase()];
  return Array.isArray(v) ? v[0] : v;
}
