// The producer span of a published event (OpenTelemetry messaging and CloudEvents semantic conventions).
import { traceCarrierOf, traceHeaders, type ImpulseEvent, type Span, type TraceCarrier, type Tracing } from "@impulse/api";

/** Puts a trace context on the envelope as the CloudEvent Distributed Tracing extension (traceparent, tracestate). */
export function withTraceContext(event: ImpulseEvent, trace: Span | TraceCarrier): void {
  const c = "carrier" in trace ? trace.carrier() : trace;
  delete event["tracestate"];
  Object.assign(event, traceHeaders(c));
}

/**
 * Starts the "send" span of `event`, continuing `parent` (the request's span or the sender's context), else the
 * event's own traceparent extension (an ingested CloudEvent), else a new trace; the event then carries its context.
 */
export function publishSpan(tracing: Tracing, event: ImpulseEvent, parent: Span | TraceCarrier | undefined): Span {
  const destination = `${event.source}/${event.subject}`;
  const span = tracing.startSpan(`send ${destination}`, {
    kind: "producer",
    parent: parent ?? traceCarrierOf(event),
    attributes: {
      "messaging.system": "nats",
      "messaging.operation.type": "send",
      "messaging.operation.name": "publish",
      "messaging.destination.name": destination,
      "messaging.message.id": event.id,
      "cloudevents.event_id": event.id,
      "cloudevents.event_source": event.source,
      "cloudevents.event_type": event.type,
      "cloudevents.event_subject": event.subject,
      "cloudevents.event_spec_version": event.specversion,
    },
  });
  withTraceContext(event, span);
  return span;
}
