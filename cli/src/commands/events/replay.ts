// `impulse events replay` and `impulse events redrive`: stored events again to one Sensor, failed firings again.
import { redriveFirings, replayEvents, type ReplayResult } from "@impulse/bus";
import { EXIT, openJournal, parseTime, run, UsageError, type BusFlags } from "./connect.js";

export interface ReplayFlags extends BusFlags {
  sensor?: string;
  trigger?: string;
  ids?: string;
  since?: string;
  until?: string;
  fromSeq?: string;
  toSeq?: string;
  source?: string;
  event?: string;
  dryRun?: boolean;
  respectDedup?: boolean;
}

/** A one-line progress bar on stderr, only on a terminal (scripts read the summary). */
function progress(enabled: boolean): ((done: number, total: number) => void) & { end(): void } {
  let shown = false;
  const f = (done: number, total: number) => {
    if (!enabled) return;
    const width = 30;
    const filled = total ? Math.round((done / total) * width) : 0;
    process.stderr.write(`\r[${"#".repeat(filled)}${"-".repeat(width - filled)}] ${done}/${total}`);
    shown = true;
  };
  return Object.assign(f, { end: () => void (shown && process.stderr.write("\n")) });
}

const seqFlag = (flag: string, v: string | undefined) => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!(Number.isInteger(n) && n > 0)) throw new UsageError(`${flag} ${v}: expected a stream sequence (a whole number from 1)`);
  return n;
};

function summary(r: ReplayResult, what: string): string {
  const parts = Object.entries(r.counts).map(([k, n]) => `${n} ${k}`);
  return `${what} ${r.items.length} (replay ${r.replayId}): ${parts.join(", ") || "nothing"}`;
}

export function replay(flags: ReplayFlags): Promise<number> {
  return run(flags, async () => {
    if (!flags.sensor) throw new UsageError("--sensor <name> is required: a replay goes to one Sensor (--trigger narrows it to one trigger)");
    const since = parseTime("--since", flags.since);
    const until = parseTime("--until", flags.until);
    const fromSeq = seqFlag("--from-seq", flags.fromSeq);
    const toSeq = seqFlag("--to-seq", flags.toSeq);
    const ids = flags.ids?.split(",").map((s) => s.trim()).filter(Boolean);
    const journal = await openJournal(flags);
    const bar = progress(!flags.json && process.stderr.isTTY === true);
    try {
      const r = await replayEvents(journal, {
        sensor: flags.sensor,
        ...(flags.trigger ? { trigger: flags.trigger } : {}),
        ...(ids?.length ? { ids } : {}),
        ...(since ? { since } : {}),
        ...(until ? { until } : {}),
        ...(fromSeq !== undefined ? { fromSeq } : {}),
        ...(toSeq !== undefined ? { toSeq } : {}),
        ...(flags.source ? { source: flags.source } : {}),
        ...(flags.event ? { event: flags.event } : {}),
        ...(flags.dryRun ? { dryRun: true } : {}),
        ...(flags.respectDedup ? { respectDedup: true } : {}),
        onProgress: bar,
      });
      bar.end();
      if (flags.json) console.log(JSON.stringify(r));
      else {
        if (flags.dryRun)
          for (const i of r.items)
            for (const t of i.results) console.log(`${i.eventId}  ${flags.sensor}/${t.trigger}  ${t.status}${t.reasons ? `: ${t.reasons.join("; ")}` : ""}${t.resolved ? `  ${JSON.stringify(t.resolved.payload ?? t.resolved.template)}` : ""}`);
        console.log(summary(r, flags.dryRun ? "dry run of" : "replayed"));
      }
      return r.items.some((i) => i.error) ? EXIT.error : EXIT.ok;
    } finally {
      await journal.close();
    }
  });
}

export function redrive(id: string | undefined, flags: ReplayFlags): Promise<number> {
  return run(flags, async () => {
    const since = parseTime("--since", flags.since);
    const until = parseTime("--until", flags.until);
    if (!id && !since) throw new UsageError("give an event id, or --since to redrive every failed firing in a range");
    const journal = await openJournal(flags);
    const bar = progress(!flags.json && process.stderr.isTTY === true);
    try {
      const r = await redriveFirings(journal, {
        ...(id ? { eventId: id } : {}),
        ...(since ? { since } : {}),
        ...(until ? { until } : {}),
        ...(flags.sensor ? { sensor: flags.sensor } : {}),
        ...(flags.trigger ? { trigger: flags.trigger } : {}),
        ...(flags.dryRun ? { dryRun: true } : {}),
        onProgress: bar,
      });
      bar.end();
      if (flags.json) console.log(JSON.stringify(r));
      else {
        for (const f of r.firings)
          console.log(`${Object.values(f.events).join(",")}  ${f.sensor}/${f.trigger}  was ${f.was}, now ${f.error ? `error: ${f.error}` : f.result?.status}${f.result?.error ? `: ${f.result.error}` : ""}`);
        console.log(summary(r, flags.dryRun ? "dry run of" : "redrove"));
      }
      const failed = r.firings.some((f) => f.error || (f.result && ["given-up", "dead-lettered", "dlq-failed", "not-fired"].includes(f.result.status)));
      return failed ? EXIT.failedFiring : EXIT.ok;
    } finally {
      await journal.close();
    }
  });
}
