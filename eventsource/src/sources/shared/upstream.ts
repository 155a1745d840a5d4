// The upstream (broker) connection state of one event, kept in one place: /health, the connected gauge, error counts.
import type { HealthReporter } from "../../define.js";
import type { EventSourceMetrics } from "../../metrics.js";

export interface UpstreamState {
  /** Connected and serving: healthy on /health, gauge 1. */
  up(): void;
  /** Not connected: unhealthy with the reason, gauge 0; `reason` labels the error counter when counted. */
  down(error: string, reason?: string): void;
  readonly healthy: boolean;
}

export function upstreamState(eventName: string, labels: { eventsource: string; event: string }, metrics: EventSourceMetrics, health: HealthReporter): UpstreamState {
  const gauge = metrics.upstreamConnected.labels(labels);
  let healthy = false;
  gauge.set(0);
  health(eventName, { healthy: false, error: "connecting" });
  return {
    get healthy() {
      return healthy;
    },
    up() {
      if (healthy) return;
      healthy = true;
      gauge.set(1);
      health(eventName, { healthy: true });
    },
    down(error, reason) {
      if (reason) metrics.upstreamErrors.inc({ ...labels, reason });
      healthy = false;
      gauge.set(0);
      health(eventName, { healthy: false, error });
    },
  };
}
