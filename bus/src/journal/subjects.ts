// Journal subjects: one token per thing a query filters on, so the server filters and nothing is scanned.
import type { JournalKind, JournalRecord } from "@impulse/api";
import { decodeToken, encodeToken, safeName, type BusScope } from "../names.js";

/**
 * impulse-journal.<namespace>.<bus>.<kind>.<idBucket>.<source>.<event>.<sensor>.<trigger>.<outcome>
 * The first token differs from the event stream's ("impulse"), so the two streams never overlap.
 *
 * idBucket is the event id hashed into one of 65 536 buckets, not the id itself: nats-server keeps state per distinct
 * subject, and a subject per record cost ~250 bytes of its memory and ~2.5 µs of its CPU per record (measured, see
 * docs/performance.md). A lookup by id reads its bucket (1/65 536 of the journal) and keeps the records of that id.
 * Records written before the buckets (the id itself as the token) are still found: lookups ask for both.
 */
export const JOURNAL_TOKENS = ["kind", "idBucket", "source", "event", "sensor", "trigger", "outcome"] as const;
const NONE = "-";

/** The event id's bucket token: FNV-1a (32 bits) folded to 16, as 4 hex digits. Part of the stored format: never change it. */
export function idBucket(eventId: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < eventId.length; i++) {
    h ^= eventId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return ((h ^ (h >>> 16)) & 0xffff).toString(16).padStart(4, "0");
}

export function journalStreamName(scope: BusScope): string {
  return safeName("impulse", scope.namespace, scope.busName, "journal");
}

export function journalPrefix(scope: BusScope): string {
  return `impulse-journal.${encodeToken(scope.namespace)}.${encodeToken(scope.busName)}`;
}

const tok = (v: string | undefined) => (v === undefined ? NONE : encodeToken(v));

/** The outcome token: what lists filter on for each kind. */
export function recordOutcome(r: JournalRecord): string {
  switch (r.kind) {
    case "ingest":
      return r.duplicate ? "duplicate" : "stored";
    case "reject":
      return "rejected";
    case "dependency":
      return r.matched ? "matched" : "filtered";
    case "condition":
      return r.satisfied ? "satisfied" : "waiting";
    case "attempt":
      return r.ok ? "ok" : "error";
    case "firing":
      return r.outcome;
  }
}

/** The subject of a record, in the bucket of `eventId` (a firing is written once per bucket of its events' ids). */
export function recordSubject(scope: BusScope, r: JournalRecord, eventId = r.eventId): string {
  const sensor = "sensor" in r ? r.sensor : undefined;
  const trigger = "trigger" in r ? r.trigger : undefined;
  return `${journalPrefix(scope)}.${r.kind}.${eventId ? idBucket(eventId) : NONE}.${tok(r.source)}.${tok(r.event)}.${tok(sensor)}.${tok(trigger)}.${recordOutcome(r)}`;
}

/** What a record's subject says about it: kind, source, event, sensor, trigger (the payload leaves them out). */
export function recordFromSubject(subject: string): Record<string, string> {
  // impulse-journal . namespace . bus . kind . idBucket . source . event . sensor . trigger . outcome
  const t = subject.split(".");
  const out: Record<string, string> = { kind: t[3]! };
  const named = ["source", "event", "sensor", "trigger"] as const;
  named.forEach((k, i) => {
    const v = t[5 + i];
    if (v !== undefined && v !== NONE) out[k] = decodeToken(v);
  });
  return out;
}

/**
 * A record's payload as stored: without what its subject carries (kind, source, event, sensor, trigger) and without
 * its time (the server's timestamp stands in, at most a batch later). Smaller records cost less to encode and store,
 * on every event. The event id stays: a bucket holds other events' records too.
 */
export function compactRecord(r: JournalRecord): Record<string, unknown> {
  const { kind: _k, time: _t, source: _s, event: _e, sensor: _n, trigger: _g, ...rest } = r as JournalRecord & { sensor?: string; trigger?: string };
  return rest;
}

/** Whether a record tells about this event (a bucket holds other events' records too). */
export function recordOfEvent(r: JournalRecord, eventId: string): boolean {
  return r.eventId === eventId || (r.kind === "firing" && Object.values(r.events).includes(eventId));
}

export interface JournalFilter {
  kinds?: readonly JournalKind[];
  eventId?: string;
  source?: string;
  event?: string;
  sensor?: string;
  trigger?: string;
  /** Outcome tokens (see recordOutcome). */
  outcomes?: readonly string[];
}

/** The subject filters answering one query: one per kind × outcome (JetStream ORs them). */
export function filterSubjects(scope: BusScope, f: JournalFilter): string[] {
  const any = (v: string | undefined) => (v === undefined ? "*" : encodeToken(v));
  const kinds = f.kinds?.length ? f.kinds : ["*"];
  const outcomes = f.outcomes?.length ? f.outcomes : ["*"];
  // An id's bucket, and the id itself for records written before buckets (a Set: an id may equal its own bucket).
  const ids = f.eventId === undefined ? ["*"] : [...new Set([idBucket(f.eventId), encodeToken(f.eventId)])];
  const out: string[] = [];
  for (const k of kinds) for (const id of ids) for (const o of outcomes) out.push([journalPrefix(scope), k, id, any(f.source), any(f.event), any(f.sensor), any(f.trigger), o].join("."));
  return out;
}
