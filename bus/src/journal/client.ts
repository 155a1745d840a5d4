// Reads (and sends to) one bus's journal: the query library under `impulse events` and, later, the console's API.
import { randomUUID } from "node:crypto";
import { ErrorCodes, ImpulseError, errorMessage, type ImpulseEvent, type StoredJournalRecord } from "@impulse/api";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type JsMsg } from "@nats-io/jetstream";
import { connect, nanos, type NatsConnection } from "@nats-io/transport-node";
import { dedupKey } from "../dedup.js";
import { connectionAuth } from "../jetstream/bus.js";
import { isNotFound } from "../jetstream/stream.js";
import { controlSubject, encodeToken, eventSubject, streamName, subjectPrefix, type BusScope } from "../names.js";
import { redactUrl } from "../nats-url.js";
import { buildJourney, RowBuilder, type EventJourney } from "./journey.js";
import { queryFilter, type EventPage, type EventQuery, type ScanFrom } from "./query.js";
import { filterSubjects, journalStreamName, recordFromSubject, recordOfEvent, recordSubject, type JournalFilter } from "./subjects.js";
import { JOURNAL_FLUSH_MS } from "./writer.js";

export { queryFilter, type EventPage, type EventQuery, type ScanFrom } from "./query.js";

export interface JournalClientOptions extends BusScope {
  url: string;
  user?: string;
  password?: string;
  token?: string;
  /** How long to wait for the server when connecting (default 3 s). */
  timeoutMs?: number;
  /** Keep reconnecting for ever after a disconnect (a long-running server such as `impulse api`), not 3 times. */
  reconnectForever?: boolean;
}

const decoder = new TextDecoder();

function parse(m: JsMsg): StoredJournalRecord | undefined {
  try {
    // The subject and the stored time fill in what writers leave out of the payload (see compactRecord); a payload
    // that has them (written before, or by `send`) keeps its own.
    return { ...recordFromSubject(m.subject), time: new Date(m.info.timestampNanos / 1e6).toISOString(), ...(JSON.parse(decoder.decode(m.data)) as object), seq: m.seq } as StoredJournalRecord;
  } catch {
    return undefined; // not ours: skipped rather than failing a whole list
  }
}

export class JournalClient {
  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly scope: BusScope,
  ) {}

  /** One attempt (no retry loop: a person is waiting); BUS_UNAVAILABLE names the URL without credentials. */
  static async connect(o: JournalClientOptions): Promise<JournalClient> {
    const { servers, ...auth } = connectionAuth(o);
    try {
      const nc = await connect({ servers, name: "impulse-events", timeout: o.timeoutMs ?? 3000, maxReconnectAttempts: o.reconnectForever ? -1 : 3, ...auth });
      const client = new JournalClient(nc, jetstream(nc), await jetstreamManager(nc), { namespace: o.namespace, busName: o.busName });
      void client.watchStatus().catch(() => undefined);
      return client;
    } catch (e) {
      throw new ImpulseError(ErrorCodes.BusUnavailable, `event bus not reachable at ${redactUrl(o.url)}: ${redactUrl(errorMessage(e))}`, { cause: e });
    }
  }

  close(): Promise<void> {
    return this.nc.close();
  }

  /** False while the connection to the bus is down (reconnecting) or closed. */
  get connected(): boolean {
    return !this.nc.isClosed() && !this.down;
  }

  private down = false;

  /** Follows the connection's status for `connected` (ends when the connection closes). */
  private async watchStatus(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === "disconnect" || s.type === "reconnecting") this.down = true;
      else if (s.type === "reconnect") this.down = false;
    }
  }

  private get journalStream(): string {
    return journalStreamName(this.scope);
  }

  /** Throws JOURNAL_UNAVAILABLE when this bus has no journal stream. */
  async info(): Promise<{ stream: string; records: number; bytes: number; firstTime?: string; maxAgeMs: number; maxBytes: number }> {
    try {
      const i = await this.jsm.streams.info(this.journalStream);
      return {
        stream: i.config.name,
        records: i.state.messages,
        bytes: i.state.bytes,
        ...(i.state.messages ? { firstTime: i.state.first_ts } : {}),
        maxAgeMs: Math.round(i.config.max_age / 1e6),
        maxBytes: i.config.max_bytes,
      };
    } catch (e) {
      if (!isNotFound(e)) throw e;
      throw new ImpulseError(
        ErrorCodes.JournalUnavailable,
        `no journal for EventBus ${this.scope.busName} in namespace ${this.scope.namespace}: the EventBus turned it off (spec.journal.enabled: false), or no EventSource or Sensor has connected to this bus yet (check --bus and --namespace)`,
      );
    }
  }

  /**
   * Calls `each` with the records matching the filter, in journal order, until it returns false, the records end,
   * or one is later than `until`. Returns whether more records were left. An ephemeral consumer does the filtering.
   */
  async scan(f: JournalFilter, from: ScanFrom, each: (r: StoredJournalRecord) => boolean): Promise<{ more: boolean; lastSeq: number }> {
    await this.info();
    return this.scanStream(this.journalStream, filterSubjects(this.scope, f), from, (m) => {
      const r = parse(m);
      return r && (f.eventId === undefined || recordOfEvent(r, f.eventId)) ? each(r) : true;
    });
  }

  /**
   * Stored events (the event stream, the source of truth) of one EventSource/event or all, from a time or sequence,
   * up to `until`/`toSeq`; `onTotal` hears how many match before the first one comes (for a progress bar).
   */
  async scanEvents(
    sel: { source?: string; event?: string; toSeq?: number } & ScanFrom,
    each: (e: ImpulseEvent, sequence: number) => Promise<boolean>,
    onTotal?: (n: number) => void,
  ): Promise<void> {
    const subject = `${subjectPrefix(this.scope)}.${sel.source ? encodeToken(sel.source) : "*"}.${sel.event ? encodeToken(sel.event) : "*"}`;
    await this.scanStream(
      streamName(this.scope),
      [subject],
      sel,
      async (m) => {
        if (sel.toSeq !== undefined && m.seq > sel.toSeq) return false;
        return each(m.json() as ImpulseEvent, m.seq);
      },
      onTotal,
    );
  }

  private async scanStream(stream: string, subjects: string[], from: ScanFrom, each: (m: JsMsg) => boolean | Promise<boolean>, onTotal?: (n: number) => void): Promise<{ more: boolean; lastSeq: number }> {
    const name = `impulse-q-${randomUUID().slice(0, 12)}`;
    const start = from.seq
      ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: from.seq }
      : from.since
        ? { deliver_policy: DeliverPolicy.StartTime, opt_start_time: from.since.toISOString() }
        : { deliver_policy: DeliverPolicy.All };
    let ci;
    try {
      ci = await this.jsm.consumers.add(stream, {
        name,
        ack_policy: AckPolicy.None,
        ...(subjects.length === 1 ? { filter_subject: subjects[0]! } : { filter_subjects: subjects }),
        ...start,
        inactive_threshold: nanos(30_000),
        mem_storage: true,
        num_replicas: 1,
      });
    } catch (e) {
      if (isNotFound(e)) throw new ImpulseError(ErrorCodes.NotFound, `EventBus ${this.scope.busName} (namespace ${this.scope.namespace}) has no stream ${stream} on this server`);
      throw e;
    }
    let pending = ci.num_pending;
    onTotal?.(pending);
    let lastSeq = 0;
    try {
      const c = await this.js.consumers.get(stream, name);
      while (pending > 0) {
        const batch = await c.fetch({ max_messages: Math.min(pending, 500), expires: 5000 });
        let got = 0;
        for await (const m of batch) {
          got++;
          pending = m.info.pending;
          if (from.until && m.info.timestampNanos / 1e6 > from.until.getTime()) return { more: false, lastSeq };
          lastSeq = m.seq;
          if (!(await each(m))) return { more: pending > 0, lastSeq };
        }
        if (got === 0) break; // the messages aged out while reading
      }
      return { more: false, lastSeq };
    } finally {
      await this.jsm.consumers.delete(stream, name).catch(() => undefined);
    }
  }

  /** Asks the runtimes listening on `tokens` (a Sensor's replays); NOT_FOUND when none runs. */
  async request(tokens: string[], body: unknown, timeoutMs: number, what: string): Promise<unknown> {
    try {
      const m = await this.nc.request(controlSubject(this.scope, ...tokens), JSON.stringify(body), { timeout: timeoutMs });
      return m.json();
    } catch (e) {
      if (/no responders|503/i.test(errorMessage(e)))
        throw new ImpulseError(ErrorCodes.NotFound, `${what} is not running on EventBus ${this.scope.busName} (namespace ${this.scope.namespace}): start it (impulse dev, or its Deployment), or check the name, --bus and --namespace`);
      throw new ImpulseError(ErrorCodes.BusUnavailable, `${what} did not answer: ${errorMessage(e)}`, { cause: e });
    }
  }

  /** A page of rows, oldest first. */
  async list(q: EventQuery): Promise<EventPage> {
    const limit = q.limit ?? 100;
    const rows = new RowBuilder();
    const cursor = q.cursor ? Number(q.cursor) : undefined;
    if (cursor !== undefined && !(Number.isInteger(cursor) && cursor > 0)) throw new ImpulseError(ErrorCodes.InvalidSpec, `cursor ${q.cursor} is not one a list returned`);
    let overflow: number | undefined;
    const { more, lastSeq } = await this.scan(queryFilter(q), { ...(cursor ? { seq: cursor } : q.since ? { since: q.since } : {}), ...(q.until ? { until: q.until } : {}) }, (r) => {
      rows.add(r);
      // One row too many: the page ends before the record that started it.
      if (rows.rows.length > limit) {
        overflow = r.seq;
        return false;
      }
      return true;
    });
    if (overflow !== undefined) return { items: rows.rows.slice(0, limit), next: String(overflow) };
    return { items: rows.rows, ...(more ? { next: String(lastSeq + 1) } : {}) };
  }

  /** Every record of one event and the event itself; NOT_FOUND when the journal has nothing for the id. */
  async get(eventId: string): Promise<EventJourney & { data?: ImpulseEvent }> {
    let records: StoredJournalRecord[] = [];
    const read = async () => {
      records = [];
      await this.scan({ eventId }, {}, (r) => (records.push(r), true));
    };
    await read();
    // Writers send records in batches, up to JOURNAL_FLUSH_MS late: an event stored a moment ago (send, then get)
    // may not have its ingest record yet. One more look after that delay, before calling the id unknown.
    if (!records.some((r) => r.kind === "ingest")) {
      await new Promise((r) => setTimeout(r, 3 * JOURNAL_FLUSH_MS));
      await read();
    }
    if (records.length === 0)
      throw new ImpulseError(ErrorCodes.NotFound, `no event ${eventId} in the journal of EventBus ${this.scope.busName} (namespace ${this.scope.namespace}): a wrong id, another bus, or older than the journal keeps`);
    const journey = buildJourney(eventId, records);
    const seq = journey.ingest.find((i) => i.sequence !== undefined)?.sequence;
    const data = seq !== undefined ? await this.eventAt(seq) : undefined;
    return { ...journey, ...(data ? { data } : {}) };
  }

  /** The event stored at this position of the event stream, if it is still there. */
  async eventAt(sequence: number): Promise<ImpulseEvent | undefined> {
    try {
      const m = await this.jsm.streams.getMessage(streamName(this.scope), { seq: sequence });
      return m ? (m.json() as ImpulseEvent) : undefined;
    } catch {
      return undefined;
    }
  }

  /** New records matching the filter as they are written, until the signal aborts; `onReady` once records are followed. */
  async *tail(f: JournalFilter, signal: AbortSignal, onReady?: () => void): AsyncGenerator<StoredJournalRecord> {
    await this.info();
    const subjects = filterSubjects(this.scope, f);
    const c = await this.js.consumers.get(this.journalStream, { filter_subjects: subjects, deliver_policy: DeliverPolicy.New });
    const messages = await c.consume();
    onReady?.();
    const stop = () => void messages.stop();
    signal.addEventListener("abort", stop, { once: true });
    try {
      for await (const m of messages) {
        const r = parse(m);
        if (r && (f.eventId === undefined || recordOfEvent(r, f.eventId))) yield r;
      }
    } finally {
      signal.removeEventListener("abort", stop);
      await messages.close().catch(() => undefined);
    }
  }

  /**
   * Puts an event on the bus as its EventSource would (same subject, same duplicate key) and journals its ingest.
   * Resolves with its position; a duplicate was already stored.
   */
  async send(event: ImpulseEvent): Promise<{ id: string; sequence: number; duplicate: boolean }> {
    const data = new TextEncoder().encode(JSON.stringify(event));
    let ack;
    try {
      ack = await this.js.publish(eventSubject(this.scope, event.source, event.subject), data, { msgID: dedupKey(event) });
    } catch (e) {
      if (/no responders|503/i.test(errorMessage(e)))
        throw new ImpulseError(ErrorCodes.BusUnavailable, `EventBus ${this.scope.busName} (namespace ${this.scope.namespace}) has no stream on this server: start the EventSources and Sensors first (impulse dev), or check --bus and --namespace`);
      throw new ImpulseError(ErrorCodes.BusUnavailable, `event bus did not store the event: ${errorMessage(e)}`, { cause: e });
    }
    const record = {
      kind: "ingest" as const,
      time: new Date().toISOString(),
      eventId: event.id,
      source: event.source,
      event: event.subject,
      type: event.type,
      eventTime: event.time,
      size: data.length,
      ...(ack.duplicate ? { duplicate: true } : { sequence: ack.seq }),
      via: "impulse events send",
    };
    const hasJournal = await this.info().then(() => true, () => false);
    if (hasJournal) await this.js.publish(recordSubject(this.scope, record), JSON.stringify(record)).catch(() => undefined);
    return { id: event.id, sequence: ack.seq, duplicate: ack.duplicate };
  }
}
