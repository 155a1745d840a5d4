// What `impulse events ls/tail` (and later the console's API) ask the journal: filters, pages, scan bounds. Pure.
import { FIRING_OUTCOMES, OUTCOME_ALIASES, type JournalKind } from "@impulse/api";
import type { EventRow } from "./journey.js";
import type { JournalFilter } from "./subjects.js";

/** Filters of lists and tails; every one is answered by the server's subject filtering. */
export interface EventQuery {
  source?: string;
  event?: string;
  sensor?: string;
  trigger?: string;
  /** A firing outcome (succeeded, given-up, ...), an alias (failed, dlq), or a verdict (matched, filtered, waiting). */
  outcome?: string;
  since?: Date;
  until?: Date;
  /** Rows per page (default 100). */
  limit?: number;
  /** From a previous page's `next`. */
  cursor?: string;
  /** Only firing rows (the API's /firings), whatever the outcome when none is given. */
  firings?: boolean;
}

export interface EventPage {
  items: EventRow[];
  /** Pass as `cursor` for the next page; absent on the last page. */
  next?: string;
}

/** Where a scan starts (a sequence, else a time, else the beginning) and the time it stops after. */
export interface ScanFrom {
  seq?: number;
  since?: Date;
  until?: Date;
}

const VERDICTS = new Set(["matched", "filtered", "waiting"]);

/** Which records answer a query: ingest records for a plain list; a Sensor's records when one is named. */
export function queryFilter(q: EventQuery): JournalFilter {
  const base = { ...(q.source ? { source: q.source } : {}), ...(q.event ? { event: q.event } : {}), ...(q.sensor ? { sensor: q.sensor } : {}), ...(q.trigger ? { trigger: q.trigger } : {}) };
  if (q.firings && (!q.outcome || !VERDICTS.has(q.outcome))) return { ...base, kinds: ["firing"], ...(q.outcome ? { outcomes: [...(OUTCOME_ALIASES[q.outcome] ?? [q.outcome])] } : {}) };
  if (q.outcome) {
    // A match that fired at once has no verdict record of its own: its firing tells it (any outcome). The product
    // also asks for dependency records with firing outcomes and the reverse, which never exist.
    if (q.outcome === "matched") return { ...base, kinds: ["dependency", "firing"], outcomes: ["matched", ...FIRING_OUTCOMES] };
    if (VERDICTS.has(q.outcome)) return { ...base, kinds: [q.outcome === "waiting" ? "condition" : "dependency"], outcomes: [q.outcome] };
    return { ...base, kinds: ["firing"], outcomes: [...(OUTCOME_ALIASES[q.outcome] ?? [q.outcome])] };
  }
  if (q.sensor || q.trigger) return { ...base, kinds: ["dependency", "condition", "firing"] satisfies JournalKind[] };
  return { ...base, kinds: ["ingest", "reject"] };
}
