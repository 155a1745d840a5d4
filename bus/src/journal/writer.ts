// Appends journal records without ever making delivery wait: queued, sent in batches, published without an ack.
import type { JournalRecord } from "@impulse/api";
import type { NatsConnection } from "@nats-io/transport-node";
import type { BusScope } from "../names.js";
import { compactRecord, idBucket, recordSubject } from "./subjects.js";

export interface JournalWriter {
  /** False when the EventBus turned the journal off: callers may skip building records. */
  readonly enabled: boolean;
  /** Queues a record; never throws, never waits. */
  append(record: JournalRecord): void;
  /** Queues a rejection, sampled: a flood of rejections writes a few records with counts, not one per request. */
  reject(source: string, event: string, reason: string): void;
}

export const disabledJournal: JournalWriter = { enabled: false, append() {}, reject() {} };

/** Per EventSource/event: this many rejections are written per window, the rest are counted into the next. */
const REJECT_SAMPLES = 5;
const REJECT_WINDOW_MS = 10_000;
/**
 * Records are sent this long after the first one queued: under load one socket write carries dozens of records, where
 * a flush per event-loop turn cost a write (and a wake-up of nats-server) per few records. Tail readers see them late
 * by at most this much.
 */
export const JOURNAL_FLUSH_MS = 10;
/** A batch this large is sent at once, so a burst does not pile up until the timer (it also bounds the queue). */
const FLUSH_AT = 512;
/** Long texts (an error body) are cut: a record is a summary, not a log. */
const MAX_TEXT = 1000;

const encoder = new TextEncoder();

function clip(r: JournalRecord): JournalRecord {
  const c = r as unknown as Record<string, unknown>;
  for (const k of ["result", "error", "reason"] as const) {
    const v = c[k];
    if (typeof v === "string" && v.length > MAX_TEXT) c[k] = v.slice(0, MAX_TEXT) + "…";
  }
  return r;
}

/** One event id per bucket that the firing's own (its first event's) bucket does not cover; usually none. */
function otherBuckets(r: Extract<JournalRecord, { kind: "firing" }>): string[] {
  const seen = new Set([idBucket(r.eventId)]);
  const out: string[] = [];
  for (const id of Object.values(r.events)) {
    const b = idBucket(id);
    if (!seen.has(b)) {
      seen.add(b);
      out.push(id);
    }
  }
  return out;
}

export class NatsJournalWriter implements JournalWriter {
  readonly enabled = true;
  private queue: JournalRecord[] = [];
  private timer: NodeJS.Timeout | undefined;
  private dropped = 0;
  private readonly rejects = new Map<string, { windowStart: number; written: number; suppressed: number }>();

  constructor(
    private readonly nc: NatsConnection,
    private readonly scope: BusScope,
    /** Told how many records were dropped since the last report (sent while the bus was away, or unencodable). */
    private readonly onDrop: (count: number) => void = () => undefined,
    /** Whether the bus is reachable now; the bus's own view, which notices a lost connection first. */
    private readonly connected: () => boolean = () => !nc.isClosed() && !nc.isDraining(),
  ) {}

  append(record: JournalRecord): void {
    this.queue.push(record);
    if (this.queue.length >= FLUSH_AT) this.flush();
    // Unref'd: a pending batch never keeps a process alive; the bus flushes it when it closes.
    else if (!this.timer) this.timer = setTimeout(() => this.flush(), JOURNAL_FLUSH_MS).unref();
  }

  reject(source: string, event: string, reason: string): void {
    const key = `${source}\u0000${event}`;
    const now = Date.now();
    let w = this.rejects.get(key);
    let carried = 0;
    if (!w || now - w.windowStart > REJECT_WINDOW_MS) {
      carried = w?.suppressed ?? 0;
      w = { windowStart: now, written: 0, suppressed: 0 };
      this.rejects.set(key, w);
    }
    if (w.written >= REJECT_SAMPLES) {
      w.suppressed++;
      return;
    }
    w.written++;
    this.append({ kind: "reject", time: new Date(now).toISOString(), eventId: "", source, event, reason, count: 1 + carried });
  }

  /** Sends what is queued now (the bus calls it before it closes its connection). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.queue;
    this.queue = [];
    // Away from the bus the client would buffer these next to the events' publishes: the journal gives way instead,
    // and says how many it dropped once the bus is back (one line, not one per batch while it is away).
    if (!this.connected()) {
      this.dropped += batch.length;
      return;
    }
    for (const r of batch) {
      try {
        const data = encoder.encode(JSON.stringify(compactRecord(clip(r))));
        this.nc.publish(recordSubject(this.scope, r), data);
        // A firing satisfied by several events is findable from each of them: once more per other bucket.
        if (r.kind === "firing") for (const id of otherBuckets(r)) this.nc.publish(recordSubject(this.scope, r, id), data);
      } catch {
        this.dropped++;
      }
    }
    if (this.dropped) {
      this.onDrop(this.dropped);
      this.dropped = 0;
    }
  }
}
