// The JetStream driver of the EventBus seam.
import { ErrorCodes, ImpulseError, errorMessage, type JournalSpec, type StreamConfig as StreamSpec } from "@impulse/api";
import { jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from "@nats-io/jetstream";
import { Kvm } from "@nats-io/kv";
import { connect, InvalidArgumentError, type NatsConnection } from "@nats-io/transport-node";
import { dedupKey } from "../dedup.js";
import { parseNatsUrl, redactUrl } from "../nats-url.js";
import { bucketName, consumerName, controlSubject, eventSubject, streamName, subjectPrefix, type BusScope } from "../names.js";
import type { BusEvent, BusLogger, Delivery, EventBus, KvStore, PublishResult, Subscription, SubscriptionSpec } from "../types.js";
import { JetStreamKv } from "./kv.js";
import { DEFAULT_STREAM, ensureReplicas, ensureStream, streamConfig, waitForLeader } from "./stream.js";
import { ensureConsumer, JetStreamSubscription } from "./subscription.js";
import { journalEnabled, journalStreamConfig } from "../journal/stream.js";
import { disabledJournal, NatsJournalWriter, type JournalWriter } from "../journal/writer.js";

export interface JetStreamBusOptions extends BusScope {
  /** nats://host:port, comma-separated for several servers; nats://user:pw@host or nats://token@host carry credentials. */
  url: string;
  /** Client name shown by the server (e.g. "eventsource/webhook"). */
  clientName?: string;
  user?: string;
  password?: string;
  token?: string;
  stream?: StreamSpec;
  /** The event journal's settings (the EventBus's spec.journal); on by default. */
  journal?: JournalSpec;
  /** How long a publish waits for the PubAck (default 5 s). */
  publishTimeoutMs?: number;
  /** Told how many journal records were dropped (the bus was unreachable, or a record unencodable), e.g. to count them in a metric. */
  onJournalDrop?: (count: number) => void;
  logger: BusLogger;
  signal?: AbortSignal;
}

const silent: BusLogger = { info() {}, warn() {}, error() {} };
const encoder = new TextEncoder();
/** The NATS server's default max_payload, used until the server's INFO says otherwise. */
const DEFAULT_MAX_PAYLOAD = 1024 * 1024;
/** Room for the headers the publish adds (NATS/1.0 line, Nats-Msg-Id with a 43-character key): counted in max_payload. */
const HEADER_ALLOWANCE = 128;

/** Credentials from the URL, or the explicit ones; both at once is ambiguous and refused. */
export function connectionAuth(opts: Pick<JetStreamBusOptions, "url" | "user" | "password" | "token">): { servers: string[]; user?: string; pass?: string; token?: string } {
  const parsed = parseNatsUrl(opts.url);
  const inUrl = parsed.user !== undefined || parsed.token !== undefined;
  if (inUrl && (opts.user || opts.token))
    throw new ImpulseError(ErrorCodes.InvalidSpec, "the NATS URL carries credentials and bus credentials were given as well (IMPULSE_BUS_AUTH): give them one way");
  const user = parsed.user ?? opts.user;
  const token = parsed.token ?? opts.token;
  return {
    servers: parsed.servers,
    ...(user ? { user, pass: parsed.password ?? opts.password ?? "" } : {}),
    ...(token ? { token } : {}),
  };
}

function tooLarge(size: number, limit: number): ImpulseError {
  return new ImpulseError(
    ErrorCodes.EventTooLarge,
    `the event is ${size} bytes with its envelope, more than the event bus accepts (${limit} bytes: its max_payload less ${HEADER_ALLOWANCE} for headers)`,
  );
}

/** Creates or updates the journal's stream; a journal that cannot be set up is reported and left off, never fatal. */
async function ensureJournal(jsm: JetStreamManager, opts: JetStreamBusOptions, log: BusLogger, serverVersion: string | undefined): Promise<boolean> {
  if (!journalEnabled(opts.journal)) return false;
  const replicas = opts.stream?.replicas ?? DEFAULT_STREAM.replicas;
  try {
    await ensureStream(jsm, journalStreamConfig(opts, opts.journal, replicas, serverVersion));
    return true;
  } catch (e) {
    log.warn({ err: errorMessage(e) }, "event journal could not be set up; running without it");
    return false;
  }
}

export class JetStreamBus implements EventBus {
  private isConnected = true;
  private readonly subscriptions = new Set<Subscription>();
  private readonly responders = new Set<() => Promise<void>>();
  /** Where runtimes append what happened to each event (a no-op when the EventBus turned the journal off). */
  readonly journal: JournalWriter;

  private constructor(
    private readonly nc: NatsConnection,
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly opts: JetStreamBusOptions,
    private readonly stream: string,
    journalOn: boolean,
  ) {
    const dropped = (n: number) => {
      opts.logger.warn({ dropped: n }, "journal records dropped while the bus was unreachable (events were not)");
      opts.onJournalDrop?.(n);
    };
    this.journal = journalOn ? new NatsJournalWriter(nc, opts, dropped, () => this.connected()) : disabledJournal;
    void this.watchStatus();
  }

  /** Connects (retrying until the server answers or the signal aborts) and creates or updates the stream. */
  static async connect(opts: JetStreamBusOptions): Promise<JetStreamBus> {
    const log = opts.logger ?? silent;
    const { servers, ...auth } = connectionAuth(opts);
    // Only this form of the URL is ever logged: credentials are used, never shown.
    const url = redactUrl(opts.url);
    let attempt = 0;
    for (;;) {
      let nc: NatsConnection | undefined;
      try {
        nc = await connect({
          servers,
          name: opts.clientName ?? "impulse",
          maxReconnectAttempts: -1,
          reconnectTimeWait: 500,
          reconnectJitter: 250,
          // Each request otherwise captures a stack trace up front (~9% of CPU at load, measured); errors still carry messages.
          noAsyncTraces: true,
          ...auth,
        });
        const jsm = await jetstreamManager(nc);
        const js = jetstream(nc, { timeout: opts.publishTimeoutMs ?? 5000 });
        const name = streamName(opts);
        await ensureStream(jsm, streamConfig(name, [`${subjectPrefix(opts)}.>`], opts.stream));
        const journalOn = await ensureJournal(jsm, opts, log, nc.info?.version);
        // Aborted while connecting (a stop signal during start-up): close instead of reporting a connection nobody uses.
        if (opts.signal?.aborted) {
          await nc.close().catch(() => undefined);
          throw new ImpulseError(ErrorCodes.BusUnavailable, "aborted while connecting to the event bus");
        }
        log.info({ url, stream: name, maxPayload: nc.info?.max_payload }, "connected to event bus");
        return new JetStreamBus(nc, js, jsm, { ...opts, url }, name, journalOn);
      } catch (e) {
        // Connected but the stream could not be set up (a cluster still electing, a timeout): this connection
        // reconnects forever, so close it before the next attempt makes another.
        await nc?.close().catch(() => undefined);
        if (opts.signal?.aborted) throw e;
        if (e instanceof ImpulseError) throw e;
        attempt++;
        const delay = Math.min(5000, 200 * 2 ** Math.min(attempt, 5));
        log.warn({ url, err: redactUrl(errorMessage(e)), retryInMs: delay }, "event bus not reachable; retrying");
        await new Promise((r) => setTimeout(r, delay));
        if (opts.signal?.aborted) throw new ImpulseError(ErrorCodes.BusUnavailable, "aborted while connecting to the event bus");
      }
    }
  }

  private async watchStatus(): Promise<void> {
    for await (const s of this.nc.status()) {
      if (s.type === "disconnect") {
        this.isConnected = false;
        this.opts.logger.warn({ url: this.opts.url }, "event bus disconnected; reconnecting");
      } else if (s.type === "reconnect") {
        this.isConnected = true;
        this.opts.logger.info({ url: this.opts.url }, "event bus reconnected");
      }
    }
  }

  connected(): boolean {
    return this.isConnected && !this.nc.isClosed();
  }

  maxPayload(): number {
    return this.nc.info?.max_payload ?? DEFAULT_MAX_PAYLOAD;
  }

  async publish(event: BusEvent, opts: { signal?: AbortSignal } = {}): Promise<PublishResult> {
    // What the event is decides these, not the bus: they are the caller's to fix and never "bus unavailable".
    let data: Uint8Array;
    try {
      data = encoder.encode(JSON.stringify(event));
    } catch (e) {
      throw new ImpulseError(ErrorCodes.InvalidEvent, `the event cannot be encoded: ${errorMessage(e)}`, { cause: e });
    }
    const limit = this.maxPayload() - HEADER_ALLOWANCE;
    if (data.length > limit) throw tooLarge(data.length, limit);
    // Fail fast while disconnected: a buffered publish could be stored after we already told the caller it failed.
    if (!this.connected()) throw new ImpulseError(ErrorCodes.BusUnavailable, "event bus is not connected", { retryable: true });
    if (opts.signal?.aborted) throw new ImpulseError(ErrorCodes.BusPublishFailed, "publish aborted");
    const subject = eventSubject(this.opts, event.source, event.subject);
    try {
      const ack = await this.js.publish(subject, data, { msgID: dedupKey(event) });
      return { duplicate: ack.duplicate, sequence: ack.seq, size: data.length };
    } catch (e) {
      // A reconnect to a server with a smaller max_payload can still refuse it here.
      if (e instanceof InvalidArgumentError && /max_payload/.test(e.message)) throw tooLarge(data.length, this.maxPayload() - HEADER_ALLOWANCE);
      throw new ImpulseError(ErrorCodes.BusUnavailable, `event bus did not store the event: ${errorMessage(e)}`, { retryable: true, cause: e });
    }
  }

  async subscribe(spec: SubscriptionSpec, handler: (d: Delivery) => Promise<void>): Promise<Subscription> {
    const target = {
      stream: this.stream,
      durable: consumerName(this.opts, spec.durable),
      subjects: [...new Set(spec.events.map((e) => eventSubject(this.opts, e.eventSourceName, e.eventName)))],
      maxInFlight: spec.maxInFlight ?? 64,
      ackWaitMs: spec.ackWaitMs ?? 30_000,
      startAt: spec.startAt ?? "new",
    };
    // The durable exists before subscribe resolves, so an event published right after is never missed.
    await ensureConsumer(this.jsm, target);
    const sub = new JetStreamSubscription(this.js, this.jsm, target, handler, this.opts.logger);
    this.subscriptions.add(sub);
    return {
      status: () => sub.status(),
      stop: async () => {
        this.subscriptions.delete(sub);
        await sub.stop();
      },
    };
  }

  async kv(bucket: string, opts: { ttlMs?: number } = {}): Promise<KvStore> {
    const kvm = new Kvm(this.nc);
    const name = bucketName(this.opts, bucket);
    // Sensor state gets as many copies as the events (streamConfig.replicas): losing a server must lose neither.
    const replicas = this.opts.stream?.replicas ?? DEFAULT_STREAM.replicas;
    const kv = await kvm.create(name, { history: 1, replicas, ...(opts.ttlMs ? { ttl: opts.ttlMs } : {}) });
    await ensureReplicas(this.jsm, `KV_${name}`, replicas);
    if (replicas > 1) await waitForLeader(this.jsm, `KV_${name}`);
    return new JetStreamKv(kv, this.nc, name);
  }

  async respond(tokens: string[], handler: (request: unknown) => Promise<unknown>): Promise<{ stop(): Promise<void> }> {
    const answer = async (data: Uint8Array): Promise<unknown> => {
      try {
        return await handler(JSON.parse(new TextDecoder().decode(data)));
      } catch (e) {
        return { error: errorMessage(e) };
      }
    };
    const sub = this.nc.subscribe(controlSubject(this.opts, ...tokens), {
      queue: "impulse",
      callback: (err, msg) => {
        if (err) return;
        void answer(msg.data).then((reply) => msg.respond(encoder.encode(JSON.stringify(reply))));
      },
    });
    await this.nc.flush();
    const stop = async () => {
      this.responders.delete(stop);
      if (!sub.isClosed()) await sub.drain().catch(() => undefined);
    };
    this.responders.add(stop);
    return { stop };
  }

  async close(): Promise<void> {
    await Promise.allSettled([...this.responders].map((s) => s()));
    await Promise.allSettled([...this.subscriptions].map((s) => s.stop()));
    // The last records (of the deliveries that just finished) go out before the connection drains.
    if (this.journal instanceof NatsJournalWriter) this.journal.flush();
    if (!this.nc.isClosed()) await this.nc.drain().catch(() => this.nc.close());
  }
}
