// Starts EventSources and Sensors against one bus, with a management server; shared by dev, eventsource and sensor.
import type { EventBus as EventBusResource, Resource } from "@impulse/api";
import { JetStreamBus, type EventBus } from "@impulse/bus";
import { createEventSourceMetrics, runEventSource, runWithLease, type LeaseOptions, type RunningEventSource } from "@impulse/eventsource";
import { createSensorMetrics, runSensor, type MessageCatalog, type RunningSensor } from "@impulse/sensor";
import type { AddressInfo } from "node:net";
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { collectDefaultMetrics, Registry } from "prom-client";
import type { RuntimeConfig } from "./config.js";
import { parseBusAuth, parseBusJournal, parseBusStream } from "./bus-auth.js";
import { startManagementServer } from "./management.js";
import { createBusMetrics } from "./bus-metrics.js";
import { kubeConfigLoader } from "./kube.js";
import { createSecretResolver } from "./secrets.js";
import { untilAborted } from "./shutdown.js";

export { shutdownSignal } from "./shutdown.js";

async function startTracing(defaultServiceName: string, log: Logger) {
  const [{ startTracing: start }, { readFileSync }] = await Promise.all([import("./tracing/otel.js"), import("node:fs")]);
  const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };
  const started = start(process.env, defaultServiceName, version);
  log.info({ exporter: process.env["OTEL_TRACES_EXPORTER"] ?? "otlp", endpoint: process.env["OTEL_EXPORTER_OTLP_TRACES_ENDPOINT"] ?? process.env["OTEL_EXPORTER_OTLP_ENDPOINT"] }, "tracing on (OpenTelemetry, configured by OTEL_*)");
  return started;
}

export interface Runtime {
  metricsPort: number;
  /** Resolves when everything stopped after the signal. */
  done: Promise<void>;
}

function busFor(resources: Resource[], name: string): EventBusResource | undefined {
  return resources.find((r): r is EventBusResource => r.kind === "EventBus" && r.metadata.name === name);
}

/** Resources whose sources or triggers talk to Kubernetes: their kubeconfig is checked before anything starts. */
function needsKubernetes(resources: Resource[]): boolean {
  return resources.some(
    (r) =>
      (r.kind === "EventSource" && Object.keys(r.spec.resource ?? {}).length > 0) ||
      (r.kind === "Sensor" && r.spec.triggers.some((t) => t.template?.k8s !== undefined)),
  );
}

/** One clear error at start (naming --kubeconfig/KUBECONFIG) rather than a source that reports ready and then fails on every watch. */
export function checkKubeConfig(resources: Resource[], cfg: RuntimeConfig, loader = kubeConfigLoader(cfg.kubeconfig)): void {
  if (needsKubernetes(resources) || cfg.leaderElect) loader();
}

/**
 * Starts every resource. A failure part-way (a busy port, a bad kubeconfig) or the signal stops what was already
 * started before this returns or throws, so the caller can stop the bus server afterwards without any runtime
 * seeing the bus vanish; when the signal aborted start-up it throws the signal's reason.
 */
export async function startRuntime(resources: Resource[], cfg: RuntimeConfig, natsUrl: string, log: Logger, signal: AbortSignal, templates?: MessageCatalog): Promise<Runtime> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const esMetrics = createEventSourceMetrics(registry);
  const sensorMetrics = createSensorMetrics(registry);
  const busMetrics = createBusMetrics(registry);
  const secrets = createSecretResolver(cfg.secretsDir, process.env);
  const kubeConfig = kubeConfigLoader(cfg.kubeconfig);
  checkKubeConfig(resources, cfg, kubeConfig);
  // The OpenTelemetry SDK is loaded only when OTEL_* asks for traces: off, no module of it is even read.
  const traces = cfg.tracing ? await startTracing(cfg.tracing.defaultServiceName, log) : undefined;
  const tracing = traces?.tracing;

  // Everything below stops on `stop`: the caller's signal, or a failure during start-up.
  const stop = new AbortController();
  const forward = () => stop.abort(signal.reason);
  if (signal.aborted) forward();
  else signal.addEventListener("abort", forward, { once: true });

  const buses = new Map<string, EventBus>();
  const sensors: RunningSensor[] = [];
  const eventSources: RunningEventSource[] = [];
  const waits: Promise<void>[] = [];
  let started = false;
  // Bound first: a busy port fails before anything connects or listens. Unhealthy until everything started, as
  // before, when it only listened from then on.
  const server = await startManagementServer(
    cfg.metricsPort,
    registry,
    () => {
      if (!started) return { healthy: false, status: "starting" };
      const busOk = [...buses.values()].every((b) => b.connected());
      const triggers = sensors.map((s) => s.health());
      const sources = eventSources.map((e) => e.health());
      return {
        healthy: busOk && triggers.every((t) => t.healthy) && sources.every((s) => s.healthy),
        bus: busOk ? "connected" : "disconnected",
        sensors: triggers,
        ...(sources.length ? { eventSources: sources } : {}),
      };
    },
    undefined,
    cfg.listenAddress,
  );
  const stopAll = async () => {
    await Promise.allSettled(waits);
    await Promise.allSettled([...buses.values()].map((b) => b.close()));
    await new Promise((r) => server.close(r));
    // Last: the spans of the final firings are exported before the process exits.
    await traces?.shutdown().catch((e: Error) => log.warn({ err: e.message }, "tracing: spans not exported at shutdown"));
  };

  // One connection per EventBus name used by the resources.
  const bus = async (name: string) => {
    let b = buses.get(name);
    if (!b) {
      const spec = busFor(resources, name)?.spec;
      // In a pod the EventBus is not among the resources: the controller passes its settings in the environment.
      const stream = spec?.jetstreamExotic?.streamConfig ?? spec?.jetstream?.streamConfig ?? parseBusStream(cfg.busStream);
      const journal = spec ? spec.journal : parseBusJournal(cfg.busJournal);
      const credentials = parseBusAuth(cfg.busAuth);
      b = await JetStreamBus.connect({ url: natsUrl, namespace: cfg.namespace, busName: name, logger: log.child({ eventBusName: name }), signal: stop.signal, onJournalDrop: (n) => busMetrics.journalDropped.inc({ eventbus: name }, n), ...credentials, ...(stream ? { stream } : {}), ...(journal ? { journal } : {}) });
      buses.set(name, b);
      // The series exists at 0 from the start, so a dashboard shows "none dropped" rather than "no data".
      busMetrics.journalDropped.labels({ eventbus: name }).inc(0);
    }
    return b;
  };

  try {
    for (const r of resources) {
      if (stop.signal.aborted) break;
      if (r.kind === "EventSource") {
        const es = runEventSource({ resource: r, bus: await bus(r.spec.eventBusName), logger: log, metrics: esMetrics, secrets, kubeConfig, listenAddress: cfg.listenAddress, signal: stop.signal, tracing, ...leaderElection(cfg, kubeConfig) });
        eventSources.push(es);
        waits.push(es.done);
        await untilAborted(es.ready, stop.signal);
      } else if (r.kind === "Sensor") {
        const sensorBus = await bus(r.spec.eventBusName);
        const run = (sig: AbortSignal) =>
          runSensor({ resource: r, bus: sensorBus, logger: log, metrics: sensorMetrics, secrets, kubeConfig, signal: sig, concurrency: cfg.concurrency, dedupWindowMs: cfg.dedupWindow, egressPolicy: cfg.egressPolicy, tracing, templates });
        const election = leaderElection(cfg, kubeConfig).leaderElection;
        const s = election ? standbySensor(run, { ...election, name: `sensor-${r.metadata.name}`, logger: log.child({ sensorName: r.metadata.name }) }, stop.signal) : await untilAborted(run(stop.signal), stop.signal);
        sensors.push(s);
        waits.push(s.done);
      }
    }
    if (stop.signal.aborted) throw stop.signal.reason;
    started = true;
  } catch (e) {
    stop.abort(e);
    await stopAll();
    throw e;
  }
  return { metricsPort: (server.address() as AddressInfo).port, done: stopAll() };
}

/**
 * A Sensor that runs only while this replica holds its Lease: condition state assumes one active consumer, so
 * extra replicas wait as healthy standbys and the next one resumes from the durable consumers and KV state.
 */
function standbySensor(run: (signal: AbortSignal) => Promise<RunningSensor>, lease: LeaseOptions, signal: AbortSignal): RunningSensor {
  let active: RunningSensor | undefined;
  let leaseError: string | undefined;
  const done = runWithLease({ ...lease, onLeaseError: (e) => (leaseError = e) }, signal, async (leading) => {
    active = await run(leading);
    await active.done;
    active = undefined;
  });
  // A standby is healthy, unless it cannot even read the Lease (e.g. RBAC): then no replica may ever run the Sensor.
  return { health: () => active?.health() ?? { healthy: leaseError === undefined, triggers: {}, ...(leaseError ? { leaseError } : {}) }, done };
}

function leaderElection(cfg: RuntimeConfig, kubeConfig: () => KubeConfig) {
  if (!cfg.leaderElect) return {};
  const kc = kubeConfig();
  const namespace = cfg.leaseNamespace ?? kc.getContextObject(kc.getCurrentContext())?.namespace ?? "default";
  return { leaderElection: { kubeConfig: kc, namespace, identity: cfg.identity } };
}
