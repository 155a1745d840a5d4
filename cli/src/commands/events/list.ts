// `impulse events ls` and `impulse events tail`: rows of the journal with the same filters, a page or live.
import { queryFilter, type EventQuery, type JournalFilter } from "@impulse/bus";
import { EXIT, openJournal, parseTime, run, UsageError, type BusFlags } from "./connect.js";
import { recordLine, table } from "./format.js";

export interface ListFlags extends BusFlags {
  since?: string;
  until?: string;
  source?: string;
  event?: string;
  sensor?: string;
  trigger?: string;
  outcome?: string;
  limit?: string;
  cursor?: string;
}

export function toQuery(f: ListFlags, now = Date.now()): EventQuery {
  const limit = f.limit === undefined ? undefined : Number(f.limit);
  if (limit !== undefined && !(Number.isInteger(limit) && limit > 0)) throw new UsageError(`--limit ${f.limit}: expected a positive whole number`);
  const since = parseTime("--since", f.since, now);
  const until = parseTime("--until", f.until, now);
  return {
    ...(f.source ? { source: f.source } : {}),
    ...(f.event ? { event: f.event } : {}),
    ...(f.sensor ? { sensor: f.sensor } : {}),
    ...(f.trigger ? { trigger: f.trigger } : {}),
    ...(f.outcome ? { outcome: f.outcome } : {}),
    ...(since ? { since } : {}),
    ...(until ? { until } : {}),
    ...(limit ? { limit } : {}),
    ...(f.cursor ? { cursor: f.cursor } : {}),
  };
}

export function ls(flags: ListFlags): Promise<number> {
  return run(flags, async () => {
    const q = toQuery(flags);
    const journal = await openJournal(flags);
    try {
      const page = await journal.list(q);
      if (flags.json) console.log(JSON.stringify(page));
      else if (page.items.length === 0) console.error("no events match (widen --since, or check --bus and --namespace)");
      else {
        console.log(table(page.items));
        if (page.next) console.error(`more: add --cursor ${page.next}`);
      }
      return EXIT.ok;
    } finally {
      await journal.close();
    }
  });
}

/** Tail shows every step unless an outcome narrows it to the records that carry outcomes. */
function tailFilter(q: EventQuery): JournalFilter {
  if (q.outcome) return queryFilter(q);
  const { since: _s, until: _u, limit: _l, cursor: _c, outcome: _o, ...rest } = q;
  return rest;
}

export function tail(flags: ListFlags): Promise<number> {
  return run(flags, async () => {
    const q = toQuery(flags);
    const journal = await openJournal(flags);
    const stop = new AbortController();
    const onSignal = () => stop.abort();
    process.once("SIGINT", onSignal);
    process.once("SIGTERM", onSignal);
    try {
      for await (const r of journal.tail(tailFilter(q), stop.signal)) console.log(flags.json ? JSON.stringify(r) : recordLine(r));
      return EXIT.ok;
    } finally {
      process.off("SIGINT", onSignal);
      process.off("SIGTERM", onSignal);
      await journal.close();
    }
  });
}
