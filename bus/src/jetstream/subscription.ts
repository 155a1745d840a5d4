// A durable pull consumer that feeds a handler with bounded concurrency and survives bus restarts.
import { AckPolicy, DeliverPolicy, type ConsumerConfig, type JetStreamClient, type JetStreamManager, type JsMsg } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import type { BusEvent, BusLogger, Delivery, Subscription, SubscriptionStatus } from "../types.js";
import { RedeliverLater } from "../types.js";
import { isNotFound } from "./stream.js";

export interface ConsumerTarget {
  stream: string;
  durable: string;
  subjects: string[];
  maxInFlight: number;
  ackWaitMs: number;
  startAt: "new" | "all";
}

const DEFAULT_NAK_DELAY_MS = 1000;
const RECOVERY_DELAY_MS = 1000;
/**
 * How long one pull waits on the server (heartbeats every half of it). When a consumer's leader dies in a cluster,
 * a pull parked on it is only replaced after two missed heartbeats: with the client's 30 s default that stalled
 * delivery for over 40 s after a leader kill (measured on a 3-node cluster); 5 s bounds it to a few seconds.
 */
const PULL_EXPIRES_MS = 5000;

function sameSubjects(a: string[] | undefined, b: string[]): boolean {
  return !!a && a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");
}

/** Creates the durable, or updates its subjects when the sensor spec changed; stored progress is kept either way. */
/**
 * `resumeAt`: when this process already consumed from the durable and it vanished (deleted by hand, bus state
 * lost), re-create it at this stream sequence instead of "new", so nothing published meanwhile is skipped.
 */
export async function ensureConsumer(jsm: JetStreamManager, t: ConsumerTarget, resumeAt?: number): Promise<void> {
  const wanted: Partial<ConsumerConfig> = {
    durable_name: t.durable,
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(t.ackWaitMs),
    max_deliver: -1,
    max_ack_pending: Math.max(1000, t.maxInFlight * 4),
    ...(t.subjects.length === 1 ? { filter_subject: t.subjects[0] } : { filter_subjects: t.subjects }),
  };
  try {
    const info = await jsm.consumers.info(t.stream, t.durable);
    const current = info.config.filter_subjects ?? (info.config.filter_subject ? [info.config.filter_subject] : []);
    if (!sameSubjects(current, t.subjects) || info.config.ack_wait !== wanted.ack_wait) {
      const update = { ...wanted, filter_subject: t.subjects.length === 1 ? t.subjects[0]! : "", filter_subjects: t.subjects.length === 1 ? [] : t.subjects };
      delete (update as Partial<ConsumerConfig>).durable_name;
      await jsm.consumers.update(t.stream, t.durable, update);
    }
  } catch (e) {
    if (!isNotFound(e)) throw e;
    const start =
      resumeAt !== undefined
        ? { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: resumeAt }
        : { deliver_policy: t.startAt === "all" ? DeliverPolicy.All : DeliverPolicy.New };
    await jsm.consumers.add(t.stream, { ...wanted, ...start });
  }
}

export class JetStreamSubscription implements Subscription {
  private stopped = false;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly slotWaiters: (() => void)[] = [];
  /** Messages being handled, with when they started: one timer keeps them all ours (a timer per message cost throughput). */
  private readonly working = new Map<JsMsg, number>();
  /** Highest stream sequence acknowledged here: where a vanished durable resumes. */
  private highestAcked = 0;
  private heartbeat: NodeJS.Timeout | undefined;
  private state: SubscriptionStatus = { active: false, lastContactMs: Date.now() };
  private current: { stop(): void | Promise<void> } | undefined;
  private readonly loop: Promise<void>;
  private wake: (() => void) | undefined;

  constructor(
    private readonly js: JetStreamClient,
    private readonly jsm: JetStreamManager,
    private readonly target: ConsumerTarget,
    private readonly handler: (d: Delivery) => Promise<void>,
    private readonly log: BusLogger,
  ) {
    const every = Math.max(1000, this.target.ackWaitMs / 3);
    this.heartbeat = setInterval(() => {
      const now = Date.now();
      for (const [m, since] of this.working) if (now - since >= every) m.working();
    }, every);
    this.heartbeat.unref();
    this.loop = this.run();
  }

  status(): SubscriptionStatus {
    return { ...this.state };
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    await this.current?.stop();
    await this.loop;
    await Promise.allSettled([...this.inFlight]);
    clearInterval(this.heartbeat);
  }

  /** Keeps one consume() iterator alive; recreates the consumer if the server lost it. */
  private async run(): Promise<void> {
    while (!this.stopped) {
      try {
        await ensureConsumer(this.jsm, this.target, this.resumePoint());
        const consumer = await this.js.consumers.get(this.target.stream, this.target.durable);
        const messages = await consumer.consume({ max_messages: this.target.maxInFlight, expires: PULL_EXPIRES_MS });
        this.current = messages;
        // stop() may have run while we were attaching: it could not stop an iterator it had not seen.
        if (this.stopped) {
          await messages.stop();
          break;
        }
        this.state = { ...this.state, active: true, lastContactMs: Date.now() };
        delete this.state.lastError;
        void this.watch(messages);
        for await (const m of messages) {
          this.state.lastContactMs = Date.now();
          // Back-pressure: wait for a free slot (a waiter list, not Promise.race over every in-flight promise).
          while (this.inFlight.size >= this.target.maxInFlight) await new Promise<void>((r) => this.slotWaiters.push(r));
          const p = this.process(m).finally(() => {
            this.inFlight.delete(p);
            this.slotWaiters.shift()?.();
          });
          this.inFlight.add(p);
          if (this.stopped) break;
        }
      } catch (e) {
        this.state = { ...this.state, active: false, lastError: (e as Error).message };
        if (!this.stopped) this.log.warn({ durable: this.target.durable, err: (e as Error).message }, "consumer interrupted; recovering");
      }
      this.state.active = false;
      if (!this.stopped) await new Promise<void>((r) => ((this.wake = r), setTimeout(r, RECOVERY_DELAY_MS)));
    }
  }

  private async watch(messages: { status(): AsyncIterable<{ type: string }>; stop(): void }): Promise<void> {
    let missing = 0;
    for await (const s of messages.status()) {
      if (s.type === "heartbeats_missed") this.state.active = false;
      else if (s.type === "next") this.state = { ...this.state, active: true, lastContactMs: Date.now() };
      if (s.type === "consumer_not_found" || s.type === "consumer_deleted") {
        this.state = { ...this.state, active: false, lastError: s.type };
        // The durable is gone (server reset or deleted by hand): end this iterator so run() recreates it.
        if (++missing >= 2 || s.type === "consumer_deleted") messages.stop();
      }
    }
  }

  /** The first sequence not known to be done: the oldest in flight, else the one after the highest ack. */
  private resumePoint(): number | undefined {
    if (this.highestAcked === 0 && this.working.size === 0) return undefined;
    const inFlight = [...this.working.keys()].map((m) => m.seq);
    return inFlight.length ? Math.min(...inFlight) : this.highestAcked + 1;
  }

  private async process(m: JsMsg): Promise<void> {
    let event: BusEvent;
    try {
      event = m.json<BusEvent>();
    } catch (e) {
      this.log.error({ durable: this.target.durable, seq: m.seq, err: (e as Error).message }, "event on the bus is not valid JSON; terminated");
      m.term("invalid JSON");
      return;
    }
    // Keep the delivery ours while a slow handler runs, so the bus does not hand it to another worker.
    this.working.set(m, Date.now());
    try {
      const info = m.info; // parsed from the reply subject on every access
      try {
        await this.handler({ event, deliveryCount: info.deliveryCount, sequence: info.streamSequence });
      } catch (e) {
        m.nak(e instanceof RedeliverLater ? e.delayMs : DEFAULT_NAK_DELAY_MS);
        return;
      }
      // Not confirmed (no ackAck): what a lost ack could cost — a redelivery — is already covered, since the
      // handler stored its durable `done` record before returning, and a redelivery of a done firing is skipped.
      // Waiting for the confirmation held the slot for one more round trip per event (with 32 slots that bounds
      // throughput) and nothing acted on its answer. Pending acks are flushed by the connection's drain on close.
      m.ack();
      if (info.streamSequence > this.highestAcked) this.highestAcked = info.streamSequence;
    } finally {
      this.working.delete(m);
    }
  }
}
