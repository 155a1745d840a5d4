// Journal subjects: one token per thing a query filters on, so the server filters and nothing is scanned.
import type { JournalKind, JournalRecord } from "@impulse/api";
import { encodeToken, safeName, type BusScope } from "../names.js";

/**
 * impulse-journal.<namespace>.<bus>.<kind>.<eventId>.<source>.<event>.<sensor>.<trigger>.<outcome>
 * The first token differs from the event stream's ("impulse"), so the two streams never overlap.
 */
export const JOURNAL_TOKENS = ["kind", "eventId", "source", "event", "sensor", "trigger", "outcome"] as const;
const NONE = "-";

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

export function recordSubject(scope: BusScope, r: JournalRecord, eventId = r.eventId): string {
  const sensor = "sensor" in r ? r.sensor : undefined;
  const trigger = "trigger" in r ? r.trigger : undefined;
  return `${journalPrefix(scope)}.${r.kind}.${eventId ? encodeToken(eventId) : NONE}.${tok(r.source)}.${tok(r.event)}.${tok(sensor)}.${tok(trigger)}.${recordOutcome(r)}`;
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
  const out: string[] = [];
  for (const k of kinds) for (const o of outcomes) out.push([journalPrefix(scope), k, any(f.eventId), any(f.source), any(f.event), any(f.sensor), any(f.trigger), o].join("."));
  return out;
}
