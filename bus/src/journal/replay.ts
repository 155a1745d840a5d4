// Replay (stored events again to one Sensor) and redrive (failed firings again), driven from the client side.
import { randomUUID } from "node:crypto";
import { ErrorCodes, ImpulseError, OUTCOME_ALIASES, type FiringRecord, type ImpulseEvent, type ReplayReply, type ReplayRequest, type ReplayTriggerResult } from "@impulse/api";
import type { JournalClient } from "./client.js";

/** How long one Sensor may take for one event (its trigger's retries included). */
const REQUEST_TIMEOUT_MS = 120_000;

export interface ReplayOptions {
  sensor: string;
  trigger?: string;
  /** Events by id (looked up in the journal, read from the event stream). */
  ids?: string[];
  /** Or every stored event of --source/--event in a time or sequence range. */
  since?: Date;
  until?: Date;
  fromSeq?: number;
  toSeq?: number;
  source?: string;
  event?: string;
  dryRun?: boolean;
  respectDedup?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface ReplayItem {
  eventId: string;
  sequence?: number;
  results: ReplayTriggerResult[];
  error?: string;
}

export interface ReplayResult {
  replayId: string;
  items: ReplayItem[];
  /** Results by status (succeeded, filtered, would-fire, ...), errors under "error". */
  counts: Record<string, number>;
}

function tally(items: ReplayItem[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const i of items) {
    if (i.error) counts["error"] = (counts["error"] ?? 0) + 1;
    for (const r of i.results) counts[r.status] = (counts[r.status] ?? 0) + 1;
  }
  return counts;
}

async function ask(client: JournalClient, sensor: string, req: ReplayRequest): Promise<ReplayReply> {
  const reply = (await client.request(["sensor", sensor, "replay"], req, REQUEST_TIMEOUT_MS, `Sensor ${sensor}`)) as ReplayReply;
  if (reply.error && reply.results.length === 0) throw new ImpulseError(ErrorCodes.NotFound, reply.error);
  return reply;
}

/** The stored event of a journaled id; undefined when the journal or the event stream no longer has it. */
async function storedEvent(client: JournalClient, id: string): Promise<{ event: ImpulseEvent; sequence?: number } | undefined> {
  const j = await client.get(id).catch((e: ImpulseError) => {
    if (e.code === ErrorCodes.NotFound) return undefined;
    throw e;
  });
  if (!j?.data) return undefined;
  const sequence = j.ingest.find((i) => i.sequence !== undefined)?.sequence;
  return { event: j.data, ...(sequence !== undefined ? { sequence } : {}) };
}

export async function replayEvents(client: JournalClient, o: ReplayOptions): Promise<ReplayResult> {
  if (!o.ids?.length && !o.since && o.fromSeq === undefined)
    throw new ImpulseError(ErrorCodes.InvalidSpec, "say which events to replay: ids, a start time (--since) or a start sequence (--from-seq)");
  const replayId = randomUUID();
  const items: ReplayItem[] = [];
  const base = { replayId, mode: "replay" as const, ...(o.trigger ? { trigger: o.trigger } : {}), ...(o.dryRun ? { dryRun: true } : {}), ...(o.respectDedup ? { respectDedup: true } : {}) };
  const one = async (event: ImpulseEvent, sequence: number | undefined) => {
    const reply = await ask(client, o.sensor, { ...base, events: { [event.subject]: event } });
    items.push({ eventId: event.id, ...(sequence !== undefined ? { sequence } : {}), results: reply.results });
  };
  if (o.ids?.length) {
    for (const id of o.ids) {
      const found = await storedEvent(client, id);
      if (found) await one(found.event, found.sequence);
      else items.push({ eventId: id, results: [], error: `no stored event ${id}: unknown id, or no longer in the journal or the event stream` });
      o.onProgress?.(items.length, o.ids.length);
    }
  } else {
    let total = 0;
    await client.scanEvents(
      { ...(o.source ? { source: o.source } : {}), ...(o.event ? { event: o.event } : {}), ...(o.fromSeq !== undefined ? { seq: o.fromSeq } : {}), ...(o.toSeq !== undefined ? { toSeq: o.toSeq } : {}), ...(o.since ? { since: o.since } : {}), ...(o.until ? { until: o.until } : {}) },
      async (event, sequence) => {
        await one(event, sequence);
        o.onProgress?.(items.length, Math.max(total, items.length));
        return true;
      },
      (n) => (total = n),
    );
  }
  return { replayId, items, counts: tally(items) };
}

export interface RedriveOptions {
  /** The failed firings of this event; otherwise every failed firing in the range. */
  eventId?: string;
  since?: Date;
  until?: Date;
  sensor?: string;
  trigger?: string;
  dryRun?: boolean;
  onProgress?: (done: number, total: number) => void;
}

export interface RedriveItem {
  sensor: string;
  trigger: string;
  /** The firing's events by dependency, and the outcome it had. */
  events: Record<string, string>;
  was: string;
  result?: ReplayTriggerResult;
  error?: string;
}

const FAILED = new Set<string>(OUTCOME_ALIASES["failed"]);

/** Failed firings whose trigger has not succeeded since for the same events. */
async function failedFirings(client: JournalClient, o: RedriveOptions): Promise<FiringRecord[]> {
  const found = new Map<string, FiringRecord>();
  const filter = { kinds: ["firing"] as const, outcomes: [...FAILED], ...(o.eventId ? { eventId: o.eventId } : {}), ...(o.sensor ? { sensor: o.sensor } : {}), ...(o.trigger ? { trigger: o.trigger } : {}) };
  await client.scan(filter, { ...(o.since ? { since: o.since } : {}), ...(o.until ? { until: o.until } : {}) }, (r) => {
    if (r.kind === "firing") found.set(`${r.sensor}\u0000${r.trigger}\u0000${r.idempotencyKey}`, r);
    return true;
  });
  const open: FiringRecord[] = [];
  for (const f of found.values()) {
    // Fixed since (a redelivery, an earlier redrive): the latest firing of that trigger for this event succeeded.
    const j = await client.get(f.eventId);
    const latest = j.sensors.find((t) => t.sensor === f.sensor && t.trigger === f.trigger)?.firing;
    if (!latest || FAILED.has(latest.outcome)) open.push(f);
  }
  return open;
}

export async function redriveFirings(client: JournalClient, o: RedriveOptions): Promise<ReplayResult & { firings: RedriveItem[] }> {
  if (!o.eventId && !o.since) throw new ImpulseError(ErrorCodes.InvalidSpec, "say which failed firings to redrive: an event id, or a start time (--since)");
  const firings = await failedFirings(client, o);
  if (o.eventId && firings.length === 0) throw new ImpulseError(ErrorCodes.NotFound, `event ${o.eventId} has no failed firing left to redrive${o.sensor ? ` for Sensor ${o.sensor}` : ""}`);
  const replayId = randomUUID();
  const out: RedriveItem[] = [];
  for (const f of firings) {
    const item: RedriveItem = { sensor: f.sensor, trigger: f.trigger, events: f.events, was: f.outcome };
    const events: Record<string, ImpulseEvent> = {};
    for (const [dep, id] of Object.entries(f.events)) {
      const stored = await storedEvent(client, id);
      if (stored) events[dep] = stored.event;
      else item.error = `event ${id} (dependency ${dep}) is no longer stored`;
    }
    if (!item.error) {
      try {
        const reply = await ask(client, f.sensor, { replayId, mode: "redrive", trigger: f.trigger, events, ...(o.dryRun ? { dryRun: true } : {}) });
        item.result = reply.results[0]!;
      } catch (e) {
        item.error = (e as Error).message;
      }
    }
    out.push(item);
    o.onProgress?.(out.length, firings.length);
  }
  const items: ReplayItem[] = out.map((i) => ({ eventId: Object.values(i.events)[0] ?? "", results: i.result ? [i.result] : [], ...(i.error ? { error: i.error } : {}) }));
  return { replayId, items, counts: tally(items), firings: out };
}
