// The EventBus seam: what sources and sensors need from a bus, nothing more.
import type { ImpulseEvent } from "@impulse/api";
import type { JournalWriter } from "./journal/writer.js";

export type BusEvent = ImpulseEvent;

export interface EventSelector {
  eventSourceName: string;
  eventName: string;
}

export interface SubscriptionSpec {
  /** Durable name, unique per consumer (e.g. sensor + trigger). Survives restarts. */
  durable: string;
  /** Events this subscription receives. */
  events: EventSelector[];
  /** Deliveries processed at once (default 64). */
  maxInFlight?: number;
  /** Time a delivery may stay unacknowledged before the bus redelivers it (default 30 s; extended while the handler runs). */
  ackWaitMs?: number;
  /** Where a newly created durable starts: "new" events only (default) or "all" stored events. */
  startAt?: "new" | "all";
}

export interface Delivery {
  event: BusEvent;
  /** 1 on first delivery, higher on redelivery. */
  deliveryCount: number;
  /** Position in the stream; stable across redeliveries. */
  sequence: number;
}

/** Thrown by a handler to ask for redelivery after a delay instead of the default. */
export class RedeliverLater extends Error {
  constructor(readonly delayMs: number, message = "redeliver later") {
    super(message);
  }
}

export interface SubscriptionStatus {
  /** True while the consumer is attached and pulling. */
  active: boolean;
  /** Last time the bus answered this consumer (message or heartbeat), ms since epoch. */
  lastContactMs: number;
  lastError?: string;
}

export interface Subscription {
  status(): SubscriptionStatus;
  /** Stops pulling, waits for in-flight handlers, leaves the durable in place. */
  stop(): Promise<void>;
}

export interface KvEntry {
  value: Uint8Array;
  revision: number;
}

export interface KvStore {
  get(key: string): Promise<KvEntry | undefined>;
  put(key: string, value: Uint8Array): Promise<number>;
  /** Writes without waiting for the server's acknowledgement: for hints whose loss is harmless (cheap on hot paths). */
  putUnacknowledged(key: string, value: Uint8Array): void;
  /** Writes only if the key's revision is still `revision` (0 = must not exist); false on conflict. */
  update(key: string, value: Uint8Array, revision: number): Promise<boolean>;
  delete(key: string): Promise<void>;
  keys(): Promise<string[]>;
}

/** What the bus said about a published event. */
export interface PublishResult {
  /**
   * True when the bus already held this event (same sender source, id, EventSource and event name inside the
   * duplicate window, see dedup.ts): nothing new was stored.
   */
  duplicate: boolean;
  /** Position of the stored event in the stream (for a duplicate: of the copy stored earlier). */
  sequence?: number;
  /** Bytes of the encoded event. */
  size?: number;
}

export interface EventBus {
  /**
   * Resolves only after the bus stored the event (or already held it: `duplicate`). Idempotent on the event's
   * identity (source + id, where it is stored) within the dedup window. Throws ImpulseError BUS_UNAVAILABLE when the
   * bus cannot be reached, EVENT_TOO_LARGE when the encoded event exceeds maxPayload(), INVALID_EVENT when it cannot
   * be encoded.
   */
  publish(event: BusEvent, opts?: { signal?: AbortSignal }): Promise<PublishResult>;
  /** Largest message the bus accepts in bytes (the server's max_payload, read after connecting; headers included). */
  maxPayload(): number;
  /** Durable, at-least-once delivery; handler resolves → ack, throws → redelivered later. */
  subscribe(spec: SubscriptionSpec, handler: (d: Delivery) => Promise<void>): Promise<Subscription>;
  /** Small key-value store for sensor state; with ttlMs, entries expire after that long. */
  kv(bucket: string, opts?: { ttlMs?: number }): Promise<KvStore>;
  /** Where runtimes append each event's journey; best-effort, never waits. */
  readonly journal: JournalWriter;
  /**
   * Answers requests sent to `tokens` (see controlSubject) while running; one replica of a runtime answers each.
   * A handler's error is answered as `{ error }`.
   */
  respond(tokens: string[], handler: (request: unknown) => Promise<unknown>): Promise<{ stop(): Promise<void> }>;
  /** True while the bus is reachable. */
  connected(): boolean;
  close(): Promise<void>;
}

/** Minimal logger interface so the bus does not depend on a logging library. */
export interface BusLogger {
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}
