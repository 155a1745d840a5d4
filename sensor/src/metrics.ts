// Prometheus metrics of a Sensor runtime (base units: seconds).
import { Counter, Histogram, type Registry } from "prom-client";

export interface SensorMetrics {
  received: Counter<"sensor" | "trigger">;
  filtered: Counter<"sensor" | "trigger">;
  waiting: Counter<"sensor" | "trigger">;
  resets: Counter<"sensor" | "trigger">;
  fired: Counter<"sensor" | "trigger">;
  failed: Counter<"sensor" | "trigger">;
  deadLettered: Counter<"sensor" | "trigger">;
  duplicates: Counter<"sensor" | "trigger">;
  possibleDuplicates: Counter<"sensor" | "trigger">;
  retries: Counter<"sensor" | "trigger">;
  duration: Histogram<"sensor" | "trigger">;
}

export function createSensorMetrics(registry: Registry): SensorMetrics {
  const labelNames = ["sensor", "trigger"] as const;
  const counter = (name: string, help: string) => new Counter({ name, help, labelNames, registers: [registry] });
  return {
    received: counter("impulse_sensor_events_received_total", "Events delivered to a trigger's subscription."),
    filtered: counter("impulse_sensor_events_filtered_total", "Events rejected by every matching dependency's filters."),
    waiting: counter("impulse_sensor_events_waiting_total", "Events saved as part of a condition that is not satisfied yet."),
    resets: counter("impulse_sensor_condition_resets_total", "conditionsReset ticks that cleared saved dependency events."),
    fired: counter("impulse_sensor_triggers_fired_total", "Trigger executions that succeeded."),
    failed: counter("impulse_sensor_triggers_failed_total", "Firings that failed after the last retry."),
    deadLettered: counter("impulse_sensor_events_dead_lettered_total", "Firings whose events the dlqTrigger took after the trigger failed."),
    duplicates: counter("impulse_sensor_duplicates_suppressed_total", "Firings skipped because the same events fired the trigger inside the dedup window."),
    possibleDuplicates: counter(
      "impulse_sensor_possible_duplicates_total",
      "Firings run again because an earlier firing for the same events was cut off by a crash after it started: the target may see the call twice, with the same Idempotency-Key.",
    ),
    retries: counter("impulse_sensor_trigger_retries_total", "Failed attempts that were retried."),
    duration: new Histogram({
      name: "impulse_sensor_trigger_duration_seconds",
      help: "Time of one trigger attempt.",
      labelNames,
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
  };
}

/** One trigger's instruments, bound to its labels once (label hashing per event cost measurable CPU). */
export interface TriggerMeters {
  received: { inc(): void };
  filtered: { inc(): void };
  waiting: { inc(): void };
  resets: { inc(): void };
  fired: { inc(): void };
  failed: { inc(): void };
  deadLettered: { inc(): void };
  duplicates: { inc(): void };
  possibleDuplicates: { inc(): void };
  retries: { inc(): void };
  duration: { startTimer(): () => unknown };
}

export function bindTriggerMeters(m: SensorMetrics, sensor: string, trigger: string): TriggerMeters {
  const labels = { sensor, trigger };
  return {
    received: m.received.labels(labels),
    filtered: m.filtered.labels(labels),
    waiting: m.waiting.labels(labels),
    resets: m.resets.labels(labels),
    fired: m.fired.labels(labels),
    failed: m.failed.labels(labels),
    deadLettered: m.deadLettered.labels(labels),
    duplicates: m.duplicates.labels(labels),
    possibleDuplicates: m.possibleDuplicates.labels(labels),
    retries: m.retries.labels(labels),
    duration: m.duration.labels(labels),
  };
}
