// Prometheus metrics of a runtime's EventBus connections (the journal's drops), next to the EventSource and Sensor ones.
import { Counter, type Registry } from "prom-client";

export interface BusMetrics {
  /** Journal records given up (written while the bus was away): the journal is best-effort, so this shows how much. */
  journalDropped: Counter<"eventbus">;
}

export function createBusMetrics(registry: Registry): BusMetrics {
  return {
    journalDropped: new Counter({
      name: "impulse_journal_records_dropped_total",
      help: "Event journal records dropped because the bus was unreachable when they were written, or a record could not be encoded (delivery never waits for the journal).",
      labelNames: ["eventbus"],
      registers: [registry],
    }),
  };
}
