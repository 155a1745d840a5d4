// Turns journal records into what people and the console read: list rows and one event's journey. Pure.
import type { AttemptRecord, ConditionRecord, DependencyRecord, FiringRecord, IngestRecord, RejectRecord, StoredJournalRecord } from "@impulse/api";

/** One line of `impulse events ls`: an event, or what one trigger of one Sensor did with it. */
export interface EventRow {
  eventId: string;
  /** Time of the first record of this row. */
  time: string;
  source: string;
  event: string;
  /** For an ingest row. */
  type?: string;
  size?: number;
  sequence?: number;
  duplicate?: boolean;
  /** For a rejection row. */
  rejected?: { reason: string; count: number };
  /** For a Sensor row. */
  sensor?: string;
  trigger?: string;
  /** matched, filtered (with reasons), waiting (for dependencies) or the firing's outcome. */
  status?: string;
  reasons?: string[];
  /** Journal position of the row's last record (the list's cursor moves past it). */
  seq: number;
}

/** Folds records (in journal order) into rows: ingest/reject records stand alone, Sensor records group per event × trigger. */
export class RowBuilder {
  readonly rows: EventRow[] = [];
  private readonly byKey = new Map<string, EventRow>();

  add(r: StoredJournalRecord): void {
    if (r.kind === "ingest") {
      this.rows.push({ eventId: r.eventId, time: r.time, source: r.source, event: r.event, type: r.type, size: r.size, seq: r.seq, ...(r.sequence !== undefined ? { sequence: r.sequence } : {}), ...(r.duplicate ? { duplicate: true } : {}) });
      return;
    }
    if (r.kind === "reject") {
      this.rows.push({ eventId: "", time: r.time, source: r.source, event: r.event, rejected: { reason: r.reason, count: r.count }, status: "rejected", seq: r.seq });
      return;
    }
    const ids = r.kind === "firing" ? [...new Set(Object.values(r.events))] : [r.eventId];
    for (const id of ids) {
      const key = `${id}\u0000${r.sensor}\u0000${r.trigger}`;
      let row = this.byKey.get(key);
      if (!row) {
        row = { eventId: id, time: r.time, source: r.source, event: r.event, sensor: r.sensor, trigger: r.trigger, seq: r.seq };
        this.byKey.set(key, row);
        this.rows.push(row);
      }
      row.seq = r.seq;
      applyStatus(row, r);
    }
  }
}

function applyStatus(row: EventRow, r: DependencyRecord | ConditionRecord | AttemptRecord | FiringRecord): void {
  switch (r.kind) {
    case "dependency":
      if (r.matched) row.status ??= "matched";
      else {
        row.status ??= "filtered";
        (row.reasons ??= []).push(`${r.dependency}: ${r.reason ?? "not matched"}`);
      }
      if (r.matched && row.status === "filtered") row.status = "matched";
      return;
    case "condition":
      row.status = r.satisfied ? "matched" : `waiting for ${r.waitingFor.join(", ")}`;
      return;
    case "attempt":
      if (!row.status || row.status === "matched") row.status = "firing";
      return;
    case "firing":
      row.status = r.outcome;
      return;
  }
}

/** What one trigger of one Sensor did with the event. */
export interface TriggerJourney {
  sensor: string;
  trigger: string;
  dependencies: { name: string; matched: boolean; reason?: string; time: string }[];
  condition?: { satisfied: boolean; have: string[]; waitingFor: string[]; time: string };
  attempts: Omit<AttemptRecord, "kind" | "eventId" | "source" | "event" | "sensor" | "trigger">[];
  firing?: Omit<FiringRecord, "kind" | "eventId" | "source" | "event" | "sensor" | "trigger">;
}

/** Everything the journal knows about one event, in order. */
export interface EventJourney {
  eventId: string;
  ingest: (IngestRecord & { seq: number })[];
  rejected: (RejectRecord & { seq: number })[];
  sensors: TriggerJourney[];
  /** The raw records, in journal order. */
  records: StoredJournalRecord[];
}

export function buildJourney(eventId: string, records: StoredJournalRecord[]): EventJourney {
  const j: EventJourney = { eventId, ingest: [], rejected: [], sensors: [], records };
  const triggers = new Map<string, TriggerJourney>();
  const forTrigger = (sensor: string, trigger: string) => {
    const key = `${sensor}\u0000${trigger}`;
    let t = triggers.get(key);
    if (!t) {
      t = { sensor, trigger, dependencies: [], attempts: [] };
      triggers.set(key, t);
      j.sensors.push(t);
    }
    return t;
  };
  for (const r of records) {
    if (r.kind === "ingest") j.ingest.push(r);
    else if (r.kind === "reject") j.rejected.push(r);
    else {
      const { kind: _k, eventId: _e, source: _s, event: _ev, sensor, trigger, seq: _q, ...rest } = r;
      const t = forTrigger(sensor, trigger);
      if (r.kind === "dependency") t.dependencies.push({ name: r.dependency, matched: r.matched, time: r.time, ...(r.reason ? { reason: r.reason } : {}) });
      else if (r.kind === "condition") t.condition = { satisfied: r.satisfied, have: r.have, waitingFor: r.waitingFor, time: r.time };
      else if (r.kind === "attempt") t.attempts.push(rest as TriggerJourney["attempts"][number]);
      else t.firing = rest as TriggerJourney["firing"];
    }
  }
  // A firing that followed its match at once carries the matched dependencies itself (no verdict records of their own).
  for (const t of j.sensors) {
    if (!t.firing) continue;
    for (const [dep, id] of Object.entries(t.firing.events)) {
      if (id === eventId && !t.dependencies.some((d) => d.name === dep)) t.dependencies.push({ name: dep, matched: true, time: t.firing.time });
    }
  }
  return j;
}
