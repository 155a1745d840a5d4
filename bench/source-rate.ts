// Shared by the broker → bus benches (kafka, redis stream, sqs, amqp, mqtt): how fast events are stored, and the
// Impulse side of each comparison, the EventSource runtime run in-process against a fresh bus.
import { parseResource, type EventSource } from "@impulse/api";
import { JetStreamBus } from "@impulse/bus";
import { createEventSourceMetrics, runEventSource } from "@impulse/eventsource";
import { pino } from "pino";
import { Registry } from "prom-client";

export interface SourceBenchResult {
  pipeline: string;
  /** Events stored on the bus per second, from the first stored to the last. */
  perSec: number;
  /** CPU time (user + system) of this process per stored event: the client side of the pipeline, not the servers. */
  cpuUsPerEvent: number;
}

/** The middle result of a part's rounds, by rate. */
export const medianRate = (xs: SourceBenchResult[]): SourceBenchResult => [...xs].sort((a, b) => a.perSec - b.perSec)[Math.floor(xs.length / 2)]!;

/** Polls a counter until it reaches `total`; the rate counts from the first stored event (a group join is left out). */
export async function storedRate(pipeline: string, total: number, count: () => number | Promise<number>): Promise<SourceBenchResult> {
  let first = 0;
  let cpu0 = process.cpuUsage();
  let n0 = 0;
  for (;;) {
    const n = await count();
    if (n > 0 && !first) {
      first = performance.now();
      cpu0 = process.cpuUsage();
      n0 = n;
    }
    if (n >= total) {
      const cpu = process.cpuUsage(cpu0);
      return { pipeline, perSec: Math.round(total / ((performance.now() - first) / 1000)), cpuUsPerEvent: Math.round((cpu.user + cpu.system) / Math.max(1, n - n0)) };
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Runs an EventSource with this `spec` until `total` events were published, counted by its own metrics. */
export async function impulseSourceRate(natsUrl: string, spec: Record<string, unknown>, total: number, pipeline: string): Promise<SourceBenchResult> {
  const logger = pino({ level: "silent" });
  const bus = await JetStreamBus.connect({ url: natsUrl, namespace: "bench", busName: "default", logger });
  const parsed = parseResource({ apiVersion: "impulse.dev/v1alpha1", kind: "EventSource", metadata: { name: "bench" }, spec });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const metrics = createEventSourceMetrics(new Registry());
  const ac = new AbortController();
  const es = runEventSource({ resource: parsed.resource as EventSource, bus, logger, metrics, secrets: async () => "", signal: ac.signal });
  try {
    return await storedRate(pipeline, total, async () => (await metrics.published.get()).values.reduce((s, v) => s + v.value, 0));
  } finally {
    ac.abort();
    await es.done;
    await bus.close();
  }
}
