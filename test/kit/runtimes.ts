// Runs an EventSource or Sensor in the test process against a real bus, with its own metrics registry.
import type { EgressPolicy, EventSource, JournalSpec, Sensor, StreamConfig } from "@impulse/api";
import { freePort, JetStreamBus, type EventBus } from "@impulse/bus";
import { request } from "undici";
import { eventSource } from "./resources.js";
import { createEventSourceMetrics, runEventSource, type EventSourceRunOptions, type RunningEventSource } from "@impulse/eventsource";
import type { KubeConfig } from "@kubernetes/client-node";
import { createSensorMetrics, runSensor, type MessageCatalog, type RunningSensor } from "@impulse/sensor";
import { Registry } from "prom-client";
import { testLogger } from "./log.js";
import type { Logger } from "pino";

const noSecrets = async (ref: { name: string; key: string }) => {
  throw new Error(`no secret ${ref.name}/${ref.key} in this test`);
};

export interface Started {
  bus: EventBus;
  registry: Registry;
  stop(): Promise<void>;
}

export async function connectBus(url: string, namespace: string, stream?: StreamConfig, journal?: JournalSpec): Promise<EventBus> {
  return JetStreamBus.connect({ url, namespace, busName: "default", logger: testLogger(), ...(stream ? { stream } : {}), ...(journal ? { journal } : {}) });
}

export async function startEventSource(
  url: string,
  namespace: string,
  resource: EventSource,
  opts: {
    secrets?: (ref: { name: string; key: string }) => Promise<string>;
    stream?: StreamConfig;
    kubeConfig?: KubeConfig;
    leaderElection?: EventSourceRunOptions["leaderElection"];
    /** The EventBus's spec.journal (default: on, default limits). */
    journal?: JournalSpec;
    /** Instead of the silent test logger (e.g. to check what is logged). */
    logger?: Logger;
  } = {},
): Promise<Started & { running: RunningEventSource }> {
  const { secrets = noSecrets, stream, kubeConfig, leaderElection, logger = testLogger() } = opts;
  const bus = await connectBus(url, namespace, stream, opts.journal);
  const registry = new Registry();
  const ac = new AbortController();
  const es = runEventSource({
    resource,
    bus,
    logger,
    metrics: createEventSourceMetrics(registry),
    secrets,
    signal: ac.signal,
    ...(kubeConfig ? { kubeConfig: () => kubeConfig } : {}),
    ...(leaderElection ? { leaderElection } : {}),
  });
  await es.ready;
  return {
    bus,
    registry,
    running: es,
    stop: async () => {
      ac.abort();
      await es.done;
      await bus.close();
    },
  };
}

export async function startSensor(
  url: string,
  namespace: string,
  resource: Sensor,
  opts: {
    stream?: StreamConfig;
    dedupWindowMs?: number;
    secrets?: (ref: { name: string; key: string }) => Promise<string>;
    /** For k8s triggers, e.g. the kit's `kube.kubeConfig` or a limited ServiceAccount's. */
    kubeConfig?: KubeConfig;
    /** Instead of the silent test logger, e.g. to assert on what a failure logged. */
    logger?: Logger;
    /** The process-wide egress policy (what --egress-policy passes). */
    egressPolicy?: EgressPolicy;
    /** The EventBus's spec.journal (default: on, default limits). */
    journal?: JournalSpec;
    /** Message templates the Sensor's triggers may name (messageTemplate). */
    templates?: MessageCatalog;
  } = {},
): Promise<Started & { running: RunningSensor }> {
  const bus = await connectBus(url, namespace, opts.stream, opts.journal);
  const registry = new Registry();
  const ac = new AbortController();
  const running = await runSensor({
    resource,
    bus,
    logger: opts.logger ?? testLogger(),
    metrics: createSensorMetrics(registry),
    secrets: opts.secrets ?? noSecrets,
    ...(opts.kubeConfig ? { kubeConfig: () => opts.kubeConfig! } : {}),
    signal: ac.signal,
    ...(opts.dedupWindowMs !== undefined ? { dedupWindowMs: opts.dedupWindowMs } : {}),
    ...(opts.egressPolicy ? { egressPolicy: opts.egressPolicy } : {}),
    ...(opts.templates ? { templates: opts.templates } : {}),
  });
  return {
    bus,
    registry,
    running,
    stop: async () => {
      ac.abort();
      await running.done;
      await bus.close();
    },
  };
}

/** Reads one counter or gauge value from a registry. */
export async function metricValue(registry: Registry, name: string, labels: Record<string, string> = {}): Promise<number> {
  const m = await registry.getSingleMetric(name)?.get();
  if (!m) return 0;
  return m.values
    .filter((v) => Object.entries(labels).every(([k, want]) => String(v.labels[k]) === want))
    .reduce((sum, v) => sum + v.value, 0);
}

/** A webhook EventSource `name` with one event `eventName` on a free port; send() posts JSON and returns the event id. */
export async function startWebhook(
  url: string,
  namespace: string,
  name: string,
  eventName = "e",
  stream?: StreamConfig,
  journal?: JournalSpec,
): Promise<Started & { port: number; send: (body: unknown) => Promise<string> }> {
  const port = await freePort();
  const started = await startEventSource(url, namespace, eventSource(name, { webhook: { [eventName]: { port: String(port), endpoint: "/e", method: "POST" } } }), { stream, ...(journal ? { journal } : {}) });
  const send = async (body: unknown) => {
    const r = await request(`http://127.0.0.1:${port}/e`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    const json = (await r.body.json()) as { eventId?: string; error?: string };
    if (r.statusCode !== 200) throw new Error(`webhook answered ${r.statusCode}: ${json.error}`);
    return json.eventId!;
  };
  return { ...started, port, send };
}
