// The Sensor's spans (OpenTelemetry messaging and CloudEvents semantic conventions): process, filter, condition, attempt.
import { traceCarrierOf, type ImpulseEvent, type Span, type SpanAttributes, type TraceCarrier, type Tracing } from "@impulse/api";
import type { FiredEvents } from "./params/resolve.js";

function eventAttributes(e: ImpulseEvent): SpanAttributes {
  return { "cloudevents.event_id": e.id, "cloudevents.event_source": e.source, "cloudevents.event_type": e.type, "cloudevents.event_subject": e.subject };
}

/** The consumer span of one delivery to one trigger's subscription, continuing the event's traceparent. */
export function processSpan(tracing: Tracing, e: ImpulseEvent, o: { sensor: string; trigger: string; durable: string; deliveryCount: number; sequence: number }): Span {
  const destination = `${e.source}/${e.subject}`;
  return tracing.startSpan(`process ${destination}`, {
    kind: "consumer",
    parent: traceCarrierOf(e),
    attributes: {
      "messaging.system": "nats",
      "messaging.operation.type": "process",
      "messaging.operation.name": "process",
      "messaging.destination.name": destination,
      "messaging.consumer.group.name": o.durable,
      "messaging.message.id": e.id,
      "impulse.sensor": o.sensor,
      "impulse.trigger": o.trigger,
      "impulse.delivery_count": o.deliveryCount,
      "impulse.bus.sequence": o.sequence,
      ...eventAttributes(e),
    },
  });
}

/** One dependency's verdict on the event, as a finished span under the process span. */
export function filterSpan(tracing: Tracing, parent: Span, e: ImpulseEvent, dependency: string, matched: boolean, reason?: string): void {
  tracing
    .startSpan(`filter ${dependency}`, {
      kind: "internal",
      parent,
      attributes: { "impulse.dependency": dependency, "impulse.filter.matched": matched, "impulse.filter.reason": reason, ...eventAttributes(e) },
    })
    .end();
}

/** The condition's state after the event, as a finished span under the process span. */
export function conditionSpan(tracing: Tracing, parent: Span, e: ImpulseEvent, trigger: string, satisfied: boolean, have: string[], all: string[]): void {
  tracing
    .startSpan(`condition ${trigger}`, {
      kind: "internal",
      parent,
      attributes: { "impulse.trigger": trigger, "impulse.condition.satisfied": satisfied, "impulse.condition.have": have, "impulse.condition.waiting_for": all.filter((d) => !have.includes(d)), ...eventAttributes(e) },
    })
    .end();
}

/** The trace contexts of a firing's events: the first one is the firing's own (tracing off: passed on to the target). */
export function firingContexts(events: FiredEvents): TraceCarrier[] {
  const out: TraceCarrier[] = [];
  for (const e of Object.values(events)) {
    if (e["traceparent"] === undefined) continue;
    const c = traceCarrierOf(e);
    if (c && !out.some((o) => o.traceparent === c.traceparent)) out.push(c);
  }
  return out;
}

/** Attributes every attempt span has: which events fired, which trigger, which attempt. */
export function attemptAttributes(events: FiredEvents, o: { sensor: string; trigger: string; kind: string; attempt: number; idempotencyKey: string; replay?: string | undefined }): SpanAttributes {
  const ids = [...new Set(Object.values(events).map((e) => e.id))];
  return {
    "cloudevents.event_id": ids[0],
    "impulse.event_ids": ids,
    "impulse.sensor": o.sensor,
    "impulse.trigger": o.trigger,
    "impulse.trigger.kind": o.kind,
    "impulse.attempt": o.attempt,
    "impulse.idempotency_key": o.idempotencyKey,
    "impulse.replay": o.replay,
  };
}
