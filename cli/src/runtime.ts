// Starts EventSources and Sensors against one bus, with a management server; shared by dev, eventsource and sensor.
import type { EventBus as EventBusResource, Resource } from "@impulse/api";
import { JetStreamBus, type EventBus } from "@impulse/bus";
import { createEventSourceMetrics, runEventSource, runWithLease, type LeaseOptions, type RunningEventSource } from "@impulse/eventsource";
import { createSensorMetrics, runSensor, type RunningSensor } from "@impulse/sensor";
import type { AddressInfo } from "node:net";
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { collectDefaultMetrics, Registry } from "prom-client";
import type { RuntimeConfig } from "./config.js";
import { parseBusAuth, parseBusStream } from "./bus-auth.js";
import { startManagementServer } from "./management.js";
import { kubeConfigLoader } from "./kube.js";
import { createSecretResolver } from "./secrets.js";

export interface Runtime {
  metricsPort: number;
  /** Resolves when everything stopped after the signal. */
  done: Promise<void>;
}

function busFor(resources: Resource[], name: string): EventBusResource | undefined {
  return resources.find((r): r is EventBusResource => r.kind === "EventBus" && r.metadata.name === name);
}

export async function startRuntime(resources: Resource[], cfg: RuntimeConfig, natsUrl: string, log: Logger, signal: AbortSignal): Promise<Runtime> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const esMetrics = createEventSourceMetrics(registry);
  const sensorMetrics = createSensorMetrics(registry);
  const secrets = createSecretResolver(cfg.secretsDir, process.env);
  const kubeConfig = kubeConfigLoader(cfg.kubeconfig);

  // One connection per EventBus name used by the resources.
  const buses = new Map<string, EventBus>();
  const bus = async (name: string) => {
    let b = buses.get(name);
    if (!b) {
      const spec = busFor(resources, name)?.spec;
      // In a pod the EventBus is not among the resources: the controller passes its settings in the environment.
      const stream = spec?.jetstreamExotic?.streamConfig ?? spec?.jetstream?.streamConfig ?? parseBusStream(cfg.busStream);
      const credentials = parseBusAuth(cfg.busAuth);
      b = await JetStreamBus.connect({ url: natsUrl, namespace: cfg.namespace, busName: name, logger: log.child({ eventBusName: name }), signal, ...credentials, ...(stream ? { stream } : {}) });
      buses.set(name, b);
    }
    return b;
  };

  const waits: Promise<void>[] = [];
  const sensors: RunningSensor[] = [];
  const eventSources: RunningEventSource[] = [];
  for (const r of resources) {
    if (r.kind === "EventSource") {
      const es = runEventSource({ resource: r, bus: await bus(r.spec.eventBusName), logger: log, metrics: esMetrics, secrets, kubeConfig, signal, ...leaderElection(cfg, kubeConfig) });
      await es.ready;
      eventSources.push(es);
      waits.push(es.done);
    } else if (r.kind === "Sensor") {
      const sensorBus = await bus(r.spec.eventBusName);
      const run = (sig: AbortSignal) =>
        runSensor({ resource: r, bus: sensorBus, logger: log, metrics: sensorMetrics, secrets, kubeConfig, signal: sig, concurrency: cfg.concurrency, dedupWindowMs: cfg.dedupWindow });
      const election = leaderElection(cfg, kubeConfig).leaderElection;
      const s = election ? standbySensor(run, { ...election, name: `sensor-${r.metadata.name}`, logger: log.child({ sensorName: r.metadata.name }) }, signal) : await run(signal);
      sensors.push(s);
      waits.push(s.done);
    }
  }

  const server = await startManagementServer(cfg.metricsPort, registry, () => {
    const busOk = [...buses.values()].every((b) => b.connected());
    const triggers = sensors.map((s) => s.health());
    const sources = eventSources.map((e) => e.health());
    return {
      healthy: busOk && triggers.every((t) => t.healthy) && sources.every((s) => s.healthy),
      bus: busOk ? "connected" : "disconnected",
      sensors: triggers,
      ...(sources.length ? { eventSources: sources } : {}),
    };
  });
  const done = (async () => {
    await Promise.allSettled(waits);
    await Promise.allSettled([...buses.values()].map((b) => b.close()));
    await new Promise((r) => server.close(r));
  })();
  return { metricsPort: (server.address() as AddressInfo).port, done };
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

/** Aborts on SIGINT/SIGTERM; a second signal exits at once. */
export function shutdownSignal(log: Logger): AbortSignal {
  const ac = new AbortController();
  const onSignal = (sig: string) => {
    if (ac.signal.aborted) process.exit(130);
    log.info({ signal: sig }, "shutting down");
    ac.abort(new Error(`received ${sig}`));
  };
  process.on("SIGINT", () => onSignal("SIGINT"));
  process.on("SIGTERM", () => onSignal("SIGTERM"));
  return ac.signal;
}
