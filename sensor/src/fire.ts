// One firing of a trigger: parameters → typed template → payload → execute with retries → policy.
import { hash } from "node:crypto";
import { ErrorCodes, errorMessage, ImpulseError, logFields, type Span, type TraceCarrier, type Tracing } from "@impulse/api";
import type { Logger } from "pino";
import type { CompiledTrigger } from "./compile.js";
import { withRetry } from "./delivery/retry.js";
import type { TriggerMeters } from "./metrics.js";
import type { SlidingWindowLimiter } from "./delivery/rate-limit.js";
import type { FiringDedup, FiringTicket } from "./delivery/dedup.js";
import { RedeliverLater } from "@impulse/bus";
import type { FiredEvents } from "./params/resolve.js";
import type { TriggerExecutor } from "./triggers/define.js";
import type { FiringNote, TriggerJournal } from "./delivery/journal.js";
import { attemptAttributes, firingContexts } from "./trace.js";
import { prepare } from "./prepare.js";
import { onceKey, oncePerValue, recipientKey, recipientsOf } from "./notify/keys.js";

export function idempotencyKey(sensor: string, trigger: string, events: FiredEvents): string {
  const ids = Object.entries(events)
    // An ingested CloudEvent's identity is its sender's source + id: another sender's id 42 is another event.
    .map(([dep, e]) => (typeof e["cesource"] === "string" ? `${dep}=${e.id}@${JSON.stringify(e["cesource"])}` : `${dep}=${e.id}`))
    .sort();
  return hash("sha256", [sensor, trigger, ...ids].join("\n"), "hex").slice(0, 32);
}

/** A compiled trigger with what it needs at run time: its executor, its rate limiter, its dead-letter trigger. */
export interface ArmedTrigger {
  trigger: CompiledTrigger;
  executor: TriggerExecutor<unknown, unknown>;
  limiter?: SlidingWindowLimiter | undefined;
  dlq?: ArmedTrigger | undefined;
  /** The oncePer records (a long-lived bucket, the trigger's oncePerWindow): set when the trigger has oncePer. */
  once?: FiringDedup | undefined;
}

export interface FireOptions {
  sensorName: string;
  armed: ArmedTrigger;
  /** Suppresses a second firing for the same events inside its window. */
  dedup?: FiringDedup | undefined;
  events: FiredEvents;
  /** How often the bus has delivered this event (above 1 after a restart or a redelivery). */
  deliveryCount: number;
  meters: TriggerMeters;
  logger: Logger;
  signal: AbortSignal;
  /** Where attempts and the outcome are journaled (absent: nothing is). */
  journal?: TriggerJournal | undefined;
  /** A replay or redrive asked for by a user: fires again unless respectDedup (see docs/events.md). */
  replay?: { id: string; respectDedup: boolean } | undefined;
  /** Set when tracing is on: each attempt gets a span, under `span` (the delivery's process span) when given. */
  tracing?: Tracing | undefined;
  span?: Span | undefined;
  /** The subscriber this firing is for (subscriptions by annotation): one firing per recipient. */
  recipient?: string | undefined;
}

/** A replay's own key: targets that deduplicate on Idempotency-Key act again, and a second replay is another key again. */
export function replayKey(key: string, replayId: string): string {
  return hash("sha256", `${key}\nreplay ${replayId}`, "hex").slice(0, 32);
}

export type FireOutcome = "fired" | "failed" | "dead-lettered" | "duplicate";

/** When the dead-letter trigger fails too, the event goes back to the bus and comes again after this. */
export const DLQ_FAILED_REDELIVERY_MS = 30_000;

/** Resolves the template, then runs the trigger with retries, rate limit and policy; throws the last error. */
async function attempt(a: ArmedTrigger, o: FireOptions, key: string, log: { readonly logger: Logger }, count: { attempts: number }): Promise<unknown> {
  const t = a.trigger;
  const { template, payload } = prepare(t, o.events, t.notify?.subscriptions ? o.recipient : undefined);
  const journal = o.journal?.enabled ? o.journal : undefined;
  // The events' own trace contexts: the first goes to the target when tracing is off; with tracing, the others are links.
  const contexts = firingContexts(o.events);
  const parent = o.span ?? contexts[0];
  const parentTrace = o.span?.traceId ?? contexts[0]?.traceparent.slice(3, 35);
  const links = o.tracing ? contexts.filter((c) => c.traceparent.slice(3, 35) !== parentTrace) : [];
  const result = await withRetry(
    t.retry,
    o.signal,
    async (n) => {
      count.attempts++;
      const waitStart = journal && a.limiter ? performance.now() : 0;
      await a.limiter?.acquire(o.signal);
      const started = journal ? performance.now() : 0;
      const rateLimitedMs = waitStart ? Math.round(started - waitStart) : 0;
      const end = o.meters.duration.startTimer();
      let span: Span | undefined;
      if (o.tracing) {
        const info = t.definition.span?.(template) ?? { name: `${t.kind} ${t.name}`, kind: "client" as const, attributes: {} };
        span = o.tracing.startSpan(info.name, {
          kind: info.kind,
          parent,
          ...(links.length ? { links } : {}),
          attributes: { ...info.attributes, ...attemptAttributes(o.events, { sensor: o.sensorName, trigger: t.name, kind: t.kind, attempt: n, idempotencyKey: key, replay: o.replay?.id }) },
        });
      }
      const trace: TraceCarrier | undefined = span ? span.carrier() : contexts[0];
      try {
        const r = await a.executor.execute(
          { template, payload, events: o.events, idempotencyKey: key, ...(o.replay ? { replay: o.replay.id } : {}), ...(trace ? { trace } : {}), get logger() { return log.logger; } },
          o.signal,
        );
        if (span && t.definition.spanResult) span.setAttributes(t.definition.spanResult(r));
        t.definition.applyPolicy(r, t.spec.policy);
        // A success is told by the firing record (result, attempts, duration): one record less per event on the
        // hot path. Only a success that waited for the rate limit gets its own record, to show the wait.
        if (rateLimitedMs) journal?.attempt(o.events, { ranTrigger: t.name, attempt: n, durationMs: performance.now() - started, ok: true, result: t.definition.describe(r), rateLimitedMs });
        return r;
      } catch (e) {
        journal?.attempt(o.events, { ranTrigger: t.name, attempt: n, durationMs: performance.now() - started, ok: false, error: errorMessage(e), ...(rateLimitedMs ? { rateLimitedMs } : {}) });
        span?.fail(errorMessage(e), e instanceof ImpulseError ? e.code : (e as Error)?.name);
        throw e;
      } finally {
        end();
        span?.end();
      }
    },
    ({ attempt: n, error, nextDelayMs }) => {
      o.meters.retries.inc();
      log.logger.warn({ trigger: t.name, attempt: n, err: errorMessage(error), retryInMs: Math.round(nextDelayMs) }, "trigger attempt failed; retrying");
    },
  );
  return result;
}

/**
 * Fires a trigger for a set of events. Resolves "fired", "failed" (retries used up, logged and counted, no DLQ)
 * or "dead-lettered" (the DLQ trigger took the events). Throws on shutdown, and RedeliverLater when the DLQ
 * trigger failed too: the event is never acknowledged without someone having taken it.
 */
export async function fire(o: FireOptions): Promise<FireOutcome> {
  const n = o.armed.trigger.notify;
  if (!n?.subscriptions) return fireFor(o);
  const recipients = recipientsOf(n.subscriptions, o.events);
  if (!recipients.length) {
    o.logger.info({ eventIds: Object.values(o.events).map((e) => e.id) }, `no subscription annotation for trigger ${n.subscriptions.trigger} and service ${n.subscriptions.service} on the object: nothing to send`);
    return "fired";
  }
  // One message per recipient, each with its own key and record: a redelivery sends only what is missing.
  let outcome: FireOutcome = "duplicate";
  for (const recipient of recipients) outcome = worse(outcome, await fireFor({ ...o, recipient }));
  return outcome;
}

const SEVERITY: Record<FireOutcome, number> = { duplicate: 0, fired: 1, "dead-lettered": 2, failed: 3 };
const worse = (a: FireOutcome, b: FireOutcome): FireOutcome => (SEVERITY[b] > SEVERITY[a] ? b : a);

/** The firing's key and the records that decide whether it already happened: oncePer's, or the events' ones. */
function keyOf(o: FireOptions): { key: string; dedup: FiringDedup | undefined } {
  const t = o.armed.trigger;
  const once = t.notify?.oncePer ? oncePerValue(t.notify.oncePer, o.events, o.recipient, o.logger) : undefined;
  if (once !== undefined) return { key: onceKey(o.sensorName, t.name, o.recipient, once), dedup: o.armed.once };
  const original = idempotencyKey(o.sensorName, t.name, o.events);
  return { key: o.recipient !== undefined ? recipientKey(original, o.recipient) : original, dedup: o.dedup };
}

async function fireFor(o: FireOptions): Promise<FireOutcome> {
  const fresh = o.replay !== undefined && !o.replay.respectDedup;
  const keyed = keyOf(o);
  const key = fresh ? replayKey(keyed.key, o.replay!.id) : keyed.key;
  o = { ...o, dedup: fresh ? undefined : keyed.dedup };
  const ids = Object.values(o.events).map((e) => e.id);
  // Bindings on every line about this firing; a child logger only when something actually logs (hot path).
  const bind = { eventId: ids[0], eventIds: ids, deliveryCount: o.deliveryCount, idempotencyKey: key, ...logFields(o.span), ...(o.recipient !== undefined ? { recipient: o.recipient } : {}) };
  let child: Logger | undefined;
  const log = { get logger() { return (child ??= o.logger.child(bind)); } };
  let ticket: FiringTicket | undefined;
  if (o.dedup) {
    const claim = await o.dedup.claim(key, o.signal);
    if (claim.kind === "done") {
      o.meters.duplicates.inc();
      log.logger.info(o.armed.trigger.notify?.oncePer && o.dedup === o.armed.once ? "already sent once for this oncePer value; not sending again" : "these events already fired this trigger inside the dedup window; not firing again");
      journalFiring(o, key, performance.now(), { attempts: 0 }, { outcome: "duplicate" });
      return "duplicate";
    }
    ticket = claim.ticket;
    if (claim.kind === "unfinished") {
      o.meters.possibleDuplicates.inc();
      log.logger.warn(
        { startedAt: new Date(claim.startedAt).toISOString() },
        "possible duplicate: an earlier firing for these events started but was never recorded as done (a crash cut it off); firing again with the same Idempotency-Key",
      );
    }
  }
  try {
    return await fireClaimed(o, key, log, ticket);
  } finally {
    ticket?.release(); // shutdown mid-firing: the started record stays, so the redelivery is flagged
  }
}

/** The firing's end in the journal. */
function journalFiring(o: FireOptions, key: string, started: number, count: { attempts: number }, note: Pick<FiringNote, "outcome"> & Partial<FiringNote>): void {
  if (!o.journal?.enabled) return;
  o.journal.firing(o.events, {
    triggerKind: o.armed.trigger.kind,
    idempotencyKey: key,
    attempts: count.attempts,
    durationMs: performance.now() - started,
    deliveryCount: o.deliveryCount,
    ...note,
  });
}

async function fireClaimed(o: FireOptions, key: string, log: { readonly logger: Logger }, ticket: FiringTicket | undefined): Promise<FireOutcome> {
  const started = performance.now();
  const count = { attempts: 0 };
  let result: unknown;
  try {
    result = await attempt(o.armed, o, key, log, count);
  } catch (e) {
    return afterFailure(o, e, log, ticket, key, started, count);
  }
  if (o.journal?.enabled) journalFiring(o, key, started, count, { outcome: "succeeded", result: o.armed.trigger.definition.describe(result) });
  o.meters.fired.inc();
  if (o.logger.isLevelEnabled("info")) {
    const t = o.armed.trigger;
    const outcome = t.definition.describe(result);
    const durationMs = Math.round((performance.now() - started) * 10) / 10;
    log.logger.info({ trigger: t.name, result: outcome, durationMs }, `trigger ${t.name} fired: ${outcome} in ${durationMs} ms`);
  }
  // Stored before the event is acknowledged: a redelivery after a crash of the sensor or the bus is skipped.
  // If the bus stays away too long this throws and the event is redelivered, flagged as a possible duplicate.
  await ticket?.finish("done");
  return "fired";
}

async function afterFailure(
  o: FireOptions,
  e: unknown,
  log: { readonly logger: Logger },
  ticket: FiringTicket | undefined,
  key: string,
  started: number,
  count: { attempts: number },
): Promise<FireOutcome> {
  if (o.signal.aborted) throw e; // shutting down: leave the event unacknowledged so it is redelivered
  o.meters.failed.inc();
  const code = e instanceof ImpulseError ? e.code : ErrorCodes.TriggerFailed;
  const dlq = o.armed.dlq;
  log.logger.error({ code, err: errorMessage(e), attempts: o.armed.trigger.retry.steps, ...(dlq ? { dlqTrigger: dlq.trigger.name } : {}) },
    dlq ? "trigger failed after the last attempt; handing the events to the dlqTrigger" : "trigger failed; event given up after the last attempt");
  if (!dlq) {
    journalFiring(o, key, started, count, { outcome: "given-up", error: errorMessage(e) });
    await ticket?.finish("failed");
    return "failed";
  }
  let dlqResult: unknown;
  try {
    dlqResult = await attempt(dlq, o, idempotencyKey(o.sensorName, dlq.trigger.name, o.events), log, count);
  } catch (dlqError) {
    if (o.signal.aborted) throw dlqError;
    journalFiring(o, key, started, count, { outcome: "dlq-failed", error: `${errorMessage(e)}; dlqTrigger ${dlq.trigger.name}: ${errorMessage(dlqError)}`, dlqTrigger: dlq.trigger.name });
    log.logger.error({ err: errorMessage(dlqError), redeliverInMs: DLQ_FAILED_REDELIVERY_MS }, "dlqTrigger failed too; the event stays on the bus and is redelivered");
    // Failed, not cut off: the redelivery retries it without flagging a possible duplicate.
    await ticket?.finish("failed");
    throw new RedeliverLater(DLQ_FAILED_REDELIVERY_MS, "dlqTrigger failed");
  }
  log.logger.info({ dlqTrigger: dlq.trigger.name }, `dlqTrigger ${dlq.trigger.name} took the events`);
  o.meters.deadLettered.inc();
  if (o.journal?.enabled) journalFiring(o, key, started, count, { outcome: "dead-lettered", error: errorMessage(e), dlqTrigger: dlq.trigger.name, result: dlq.trigger.definition.describe(dlqResult) });
  await ticket?.finish("done");
  return "dead-lettered";
}
