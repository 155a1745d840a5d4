// Prometheus metrics of an EventSource runtime (base units: seconds).
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface EventSourceMetrics {
  received: Counter<"eventsource" | "event">;
  /** Events newly stored on the bus: an event the bus already held (a resend inside the dedup window) is not counted. */
  published: Counter<"eventsource" | "event">;
  /** Events the bus already held (same sender source and id, same EventSource and event, inside the dedup window). */
  duplicates: Counter<"eventsource" | "event">;
  failed: Counter<"eventsource" | "event" | "reason">;
  /** Inputs filter.expression dropped: reason "false", or "error" when it could not be evaluated. */
  filtered: Counter<"eventsource" | "event" | "reason">;
  publishDuration: Histogram<"eventsource" | "event">;
  /** 1 while a source's upstream (a broker, an API watch) is reachable and serving, 0 while it is retrying. */
  upstreamConnected: Gauge<"eventsource" | "event">;
  upstreamErrors: Counter<"eventsource" | "event" | "reason">;
}

export function createEventSourceMetrics(registry: Registry): EventSourceMetrics {
  const labelNames = ["eventsource", "event"] as const;
  return {
    received: new Counter({ name: "impulse_eventsource_events_received_total", help: "Requests or messages received by the source.", labelNames, registers: [registry] }),
    published: new Counter({ name: "impulse_eventsource_events_published_total", help: "Events newly stored on the bus (duplicates not counted).", labelNames, registers: [registry] }),
    duplicates: new Counter({
      name: "impulse_eventsource_events_duplicate_total",
      help: "Events the bus already held inside its duplicate window (a resent CloudEvent id): acknowledged, not stored again.",
      labelNames,
      registers: [registry],
    }),
    failed: new Counter({
      name: "impulse_eventsource_events_failed_total",
      help: "Inputs rejected or not stored, by reason (invalid, unauthorized, too_large, bus_unavailable, ...).",
      labelNames: [...labelNames, "reason"],
      registers: [registry],
    }),
    filtered: new Counter({
      name: "impulse_eventsource_events_filtered_total",
      help: "Inputs not published because filter.expression was false (reason false) or could not be evaluated (reason error).",
      labelNames: [...labelNames, "reason"],
      registers: [registry],
    }),
    publishDuration: new Histogram({
      name: "impulse_eventsource_publish_duration_seconds",
      help: "Time from receiving an input to the bus acknowledging the event.",
      labelNames,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [registry],
    }),
    upstreamConnected: new Gauge({
      name: "impulse_eventsource_upstream_connected",
      help: "1 while the source's upstream (broker, API server) is reachable and serving events, 0 while it retries.",
      labelNames,
      registers: [registry],
    }),
    upstreamErrors: new Counter({
      name: "impulse_eventsource_upstream_errors_total",
      help: "Failures talking to the source's upstream (connection lost, broker unavailable, ...), each followed by a retry with backoff.",
      labelNames: [...labelNames, "reason"],
      registers: [registry],
    }),
  };
}
