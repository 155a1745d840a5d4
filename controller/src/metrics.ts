// Prometheus metrics of the controller (base units: seconds).
import { Counter, Gauge, Histogram, type Registry } from "prom-client";

export interface ControllerMetrics {
  reconciles: Counter<"kind" | "result">;
  duration: Histogram<"kind">;
  queueDepth: Gauge;
  leader: Gauge;
}

export function createControllerMetrics(registry: Registry): ControllerMetrics {
  return {
    reconciles: new Counter({ name: "impulse_controller_reconcile_total", help: "Reconciles by kind and result (success, error).", labelNames: ["kind", "result"], registers: [registry] }),
    duration: new Histogram({
      name: "impulse_controller_reconcile_duration_seconds",
      help: "Time one reconcile took.",
      labelNames: ["kind"],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    queueDepth: new Gauge({ name: "impulse_controller_queue_depth", help: "Custom resources waiting to be reconciled.", registers: [registry] }),
    leader: new Gauge({ name: "impulse_controller_leader", help: "1 while this replica is the active controller.", registers: [registry] }),
  };
}
