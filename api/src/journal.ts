// The event journal's record types: what runtimes append and what `impulse events` (and later the console) reads.
import type { ImpulseEvent } from "./cloudevent.js";

/** How a firing ended. "dlq-failed": the dead-letter trigger failed too, the event stays on the bus and comes again. */
export const FIRING_OUTCOMES = ["succeeded", "dead-lettered", "given-up", "dlq-failed", "duplicate"] as const;
export type FiringOutcome = (typeof FIRING_OUTCOMES)[number];

/** Names a user may give to `--outcome`; "failed" means every outcome where the trigger itself did not succeed. */
export const OUTCOME_ALIASES: Record<string, readonly FiringOutcome[]> = {
  failed: ["dead-lettered", "given-up", "dlq-failed"],
  dlq: ["dead-lettered", "dlq-failed"],
};

export const JOURNAL_KINDS = ["ingest", "reject", "dependency", "condition", "attempt", "firing"] as const;
export type JournalKind = (typeof JOURNAL_KINDS)[number];

interface Base {
  /** When the step happened (RFC 3339, with milliseconds). */
  time: string;
  /** The event id ("" for a rejection that never became an event). */
  eventId: string;
  /** EventSource name and event name of the event. */
  source: string;
  event: string;
  /** Set on the records of a replay or redrive: its id. */
  replay?: string;
}

/** The event was stored on the bus. */
export interface IngestRecord extends Base {
  kind: "ingest";
  /** The CloudEvent type (the source type: webhook, kafka, ...). */
  type: string;
  /** The event's own time attribute. */
  eventTime: string;
  /** Bytes of the encoded event. */
  size: number;
  /** Position in the event stream (read the event back with it); absent for a duplicate. */
  sequence?: number;
  /** The bus already held this event: nothing new was stored. */
  duplicate?: boolean;
  /** Who put it on the bus when it was not an EventSource (e.g. "impulse events send"). */
  via?: string;
}

/** An event the EventSource did not put on the bus; sampled, `count` says how many were folded into this record. */
export interface RejectRecord extends Base {
  kind: "reject";
  reason: string;
  count: number;
}

/** One dependency of one trigger's subscription looked at the event. */
export interface DependencyRecord extends Base {
  kind: "dependency";
  sensor: string;
  trigger: string;
  dependency: string;
  matched: boolean;
  /** Why it did not match: the same text as `impulse sensor test`. */
  reason?: string;
}

/** The trigger's condition after the event: satisfied (fires) or still waiting. */
export interface ConditionRecord extends Base {
  kind: "condition";
  sensor: string;
  trigger: string;
  satisfied: boolean;
  /** Dependencies that have an event now. */
  have: string[];
  /** Dependencies of the condition that have none yet. */
  waitingFor: string[];
}

/** One attempt of a firing (the trigger, or its dlqTrigger). */
export interface AttemptRecord extends Base {
  kind: "attempt";
  sensor: string;
  trigger: string;
  /** The trigger that ran: the trigger itself or its dlqTrigger. */
  ranTrigger: string;
  attempt: number;
  durationMs: number;
  ok: boolean;
  /** The result in short ("HTTP 200", ...) or the error text. */
  result?: string;
  error?: string;
  /** Time spent waiting for the rate limit before this attempt. */
  rateLimitedMs?: number;
}

/** The end of a firing. */
export interface FiringRecord extends Base {
  kind: "firing";
  sensor: string;
  trigger: string;
  outcome: FiringOutcome;
  /** The trigger kind (http, kafka, ...). */
  triggerKind: string;
  idempotencyKey: string;
  /** Every event that satisfied the trigger, by dependency. */
  events: Record<string, string>;
  attempts: number;
  durationMs: number;
  result?: string;
  error?: string;
  dlqTrigger?: string;
  /** Delivery count of the event that completed the condition (above 1: a redelivery). */
  deliveryCount: number;
}

export type JournalRecord = IngestRecord | RejectRecord | DependencyRecord | ConditionRecord | AttemptRecord | FiringRecord;

/** A record as read back: with its position in the journal (the cursor of lists). */
export type StoredJournalRecord = JournalRecord & { seq: number };

/**
 * Asks a running Sensor to deliver stored events again (replay) or to re-fire a recorded firing (redrive), outside
 * its subscription: the Sensor's saved condition state is neither read nor changed.
 */
export interface ReplayRequest {
  /** Marks every record and outgoing call of this replay (the Impulse-Replay header). */
  replayId: string;
  /** Only this trigger (default: every trigger of the Sensor). */
  trigger?: string;
  /** replay: one event, through the dependency filters. redrive: a firing's events by dependency, fired as they are. */
  mode: "replay" | "redrive";
  events: Record<string, ImpulseEvent>;
  /** Show what would fire, fire nothing. */
  dryRun?: boolean;
  /** Keep the dedup window and the original idempotency key (default: fire again, with a fresh key). */
  respectDedup?: boolean;
}

export interface ReplayTriggerResult {
  trigger: string;
  /** A firing outcome, or: filtered (no dependency matched), waiting (the condition needs other events), would-fire (dry run). */
  status: FiringOutcome | "filtered" | "waiting" | "would-fire" | "not-fired";
  reasons?: string[];
  /** Dry run: the resolved template and payload. */
  resolved?: { template: unknown; payload: unknown };
  error?: string;
}

export interface ReplayReply {
  sensor: string;
  results: ReplayTriggerResult[];
  error?: string;
}
