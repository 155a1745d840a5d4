// What the HTTP API accepts: query filters and request bodies, checked into the journal library's options. Pure.
import { formatPath, newEventId, parseGoDuration, StructuredCloudEvent, toImpulseEvent, type ImpulseEvent } from "@impulse/api";
import type { EventQuery, RedriveOptions, ReplayOptions } from "@impulse/bus";
import { z } from "zod";

/** A bad request: `field` names the query parameter or body path that was wrong. */
export class BadRequest extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** `10m` (back from now) or an RFC 3339 time, as the CLI's --since. */
export function parseWhen(field: string, value: unknown, now = Date.now()): Date | undefined {
  if (value === undefined || value === "") return undefined;
  if (typeof value !== "string") throw new BadRequest(field, "expected a duration back from now (10m, 2h) or an RFC 3339 time");
  const ms = parseGoDuration(value);
  if (ms !== undefined) return new Date(now - ms);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new BadRequest(field, `${value} is neither a duration back from now (10m, 2h) nor an RFC 3339 time`);
  return new Date(t);
}

const FILTERS = ["source", "event", "sensor", "trigger", "outcome"] as const;
export const MAX_LIMIT = 1000;

/** The filters of /events, /firings and /events/stream; unknown parameters are refused so that typos do not widen a list. */
export function parseQuery(q: Record<string, unknown>, allowed: readonly string[] = [...FILTERS, "since", "until", "limit", "cursor"]): EventQuery {
  for (const k of Object.keys(q)) if (!allowed.includes(k)) throw new BadRequest(k, `unknown parameter; expected one of ${allowed.join(", ")}`);
  const out: EventQuery = {};
  for (const k of FILTERS) {
    const v = q[k];
    if (v === undefined) continue;
    if (typeof v !== "string" || v === "") throw new BadRequest(k, "expected one non-empty value");
    out[k] = v;
  }
  const since = parseWhen("since", q["since"]);
  const until = parseWhen("until", q["until"]);
  if (since) out.since = since;
  if (until) out.until = until;
  if (q["limit"] !== undefined) {
    const n = Number(q["limit"]);
    if (!(Number.isInteger(n) && n >= 1 && n <= MAX_LIMIT)) throw new BadRequest("limit", `expected a whole number from 1 to ${MAX_LIMIT}`);
    out.limit = n;
  }
  if (q["cursor"] !== undefined) {
    const c = q["cursor"];
    if (typeof c !== "string" || !/^[1-9]\d*$/.test(c)) throw new BadRequest("cursor", "expected the `next` of a previous page");
    out.cursor = c;
  }
  return out;
}

/** Zod's first issue as a BadRequest naming the body path. */
function check<T>(schema: z.ZodType<T>, body: unknown): T {
  const r = schema.safeParse(body ?? {});
  if (r.success) return r.data;
  const i = r.error.issues[0]!;
  // An unknown key is named itself, so a typo (dryrun) is not taken for a missing filter.
  if (i.code === "unrecognized_keys") throw new BadRequest(formatPath([...i.path, i.keys[0]!]), "unknown field");
  throw new BadRequest(i.path.length ? formatPath(i.path) : "body", i.message);
}

const when = z.string().min(1);
const seq = z.number().int().positive();

const ReplayBody = z.strictObject({
  sensor: z.string().min(1),
  trigger: z.string().min(1).optional(),
  ids: z.array(z.string().min(1)).min(1).optional(),
  since: when.optional(),
  until: when.optional(),
  fromSeq: seq.optional(),
  toSeq: seq.optional(),
  source: z.string().min(1).optional(),
  event: z.string().min(1).optional(),
  dryRun: z.boolean().optional(),
  respectDedup: z.boolean().optional(),
});

/** POST /api/v1/replays. */
export function parseReplay(body: unknown): ReplayOptions {
  const { since, until, ...b } = check(ReplayBody, body);
  if (!b.ids && since === undefined && b.fromSeq === undefined) throw new BadRequest("ids", "say which events to replay: ids, since or fromSeq");
  const s = parseWhen("since", since);
  const u = parseWhen("until", until);
  return { ...stripUndefined(b), ...(s ? { since: s } : {}), ...(u ? { until: u } : {}) } as ReplayOptions;
}

const RedriveBody = z.strictObject({
  eventId: z.string().min(1).optional(),
  since: when.optional(),
  until: when.optional(),
  sensor: z.string().min(1).optional(),
  trigger: z.string().min(1).optional(),
  dryRun: z.boolean().optional(),
});

/** POST /api/v1/redrives. */
export function parseRedrive(body: unknown): RedriveOptions {
  const { since, until, ...b } = check(RedriveBody, body);
  if (!b.eventId && since === undefined) throw new BadRequest("eventId", "say which failed firings to redrive: an eventId, or since");
  const s = parseWhen("since", since);
  const u = parseWhen("until", until);
  return { ...stripUndefined(b), ...(s ? { since: s } : {}), ...(u ? { until: u } : {}) } as RedriveOptions;
}

/**
 * POST /api/v1/events: a CloudEvent in JSON (structured mode). `source` is the EventSource and `subject` the event
 * name, as on the bus; `id` (default: a new one), `type` (default webhook) and `specversion` may be left out.
 */
export function parseSend(body: unknown): ImpulseEvent {
  if (body === null || typeof body !== "object" || Array.isArray(body)) throw new BadRequest("body", "expected a CloudEvent JSON object");
  const b = body as Record<string, unknown>;
  for (const f of ["source", "subject"] as const)
    if (typeof b[f] !== "string" || b[f] === "") throw new BadRequest(f, f === "source" ? "required: the EventSource name" : "required: the event name");
  const r = StructuredCloudEvent.safeParse({ specversion: "1.0", id: newEventId(), type: "webhook", ...b });
  if (!r.success) {
    const i = r.error.issues[0]!;
    throw new BadRequest(formatPath(i.path) || "body", i.message);
  }
  return toImpulseEvent(r.data);
}

function stripUndefined<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}
