// `impulse controller`: reconciles EventBus, EventSource and Sensor resources into workloads, with /healthz, /readyz, /metrics.
import { DEFAULT_NATS_IMAGE, startController } from "@impulse/controller";
import { sourceDefinitions } from "@impulse/eventsource";
import { createRequire } from "node:module";
import { hostname } from "node:os";
import type { AddressInfo } from "node:net";
import { collectDefaultMetrics, Registry } from "prom-client";
import { z } from "zod";
import { EgressPolicyText } from "../config.js";
import { kubeConfigLoader } from "../kube.js";
import { createLogger } from "../logger.js";
import { startManagementServer } from "../management.js";
import { shutdownSignal } from "../runtime.js";

export interface ControllerFlags {
  kubeconfig?: string;
  namespace?: string;
  metricsPort?: string;
  leaderElect?: boolean;
  leaseNamespace?: string;
  image?: string;
  imagePullPolicy?: string;
  natsImage?: string;
  allowPrivilegedPods?: boolean;
  workers?: string;
  logLevel?: string;
  egressPolicy?: string;
}

/** The image built from this version (see docs/install.md); the install passes its own with --image. */
const DEFAULT_IMAGE = `impulse:${(createRequire(import.meta.url)("../../package.json") as { version: string }).version}`;

const truthy = (v: string | undefined) => ["1", "true", "yes"].includes((v ?? "").toLowerCase());

export const ControllerConfig = z.object({
  kubeconfig: z.string().optional(),
  namespace: z.string().min(1).optional(),
  metricsPort: z.coerce.number().int().min(0).max(65535).default(7777),
  leaderElect: z.boolean(),
  leaseNamespace: z.string().min(1).optional(),
  identity: z.string().min(1),
  image: z.string().min(1).default(DEFAULT_IMAGE),
  imagePullPolicy: z.enum(["Always", "IfNotPresent", "Never"]).optional(),
  natsImage: z.string().min(1).default(DEFAULT_NATS_IMAGE),
  allowPrivilegedPods: z.boolean(),
  workers: z.coerce.number().int().min(1).max(64).default(2),
  logLevel: z.enum(["trace", "debug", "info", "warn", "error", "silent"]).default("info"),
  egressPolicy: EgressPolicyText.optional(),
  /** The controller's own OTEL_* variables: handed to every EventSource and Sensor pod (tracing, docs/tracing.md). */
  otelEnv: z.record(z.string(), z.string()),
});
export type ControllerConfig = z.output<typeof ControllerConfig>;

export function readControllerConfig(flags: ControllerFlags, env: NodeJS.ProcessEnv): ControllerConfig {
  const parsed = ControllerConfig.safeParse({
    kubeconfig: flags.kubeconfig ?? (env["KUBECONFIG"]?.split(":")[0] || undefined),
    namespace: flags.namespace ?? (env["IMPULSE_WATCH_NAMESPACE"] || undefined),
    metricsPort: flags.metricsPort ?? env["IMPULSE_METRICS_PORT"],
    leaderElect: flags.leaderElect ?? truthy(env["IMPULSE_LEADER_ELECT"]),
    leaseNamespace: flags.leaseNamespace ?? (env["POD_NAMESPACE"] || undefined),
    identity: env["POD_NAME"] ?? `${hostname()}-${process.pid}`,
    image: flags.image ?? (env["IMPULSE_IMAGE"] || undefined),
    imagePullPolicy: flags.imagePullPolicy ?? (env["IMPULSE_IMAGE_PULL_POLICY"] || undefined),
    natsImage: flags.natsImage ?? (env["IMPULSE_NATS_IMAGE"] || undefined),
    allowPrivilegedPods: flags.allowPrivilegedPods ?? truthy(env["IMPULSE_ALLOW_PRIVILEGED_PODS"]),
    workers: flags.workers ?? env["IMPULSE_CONTROLLER_WORKERS"],
    logLevel: flags.logLevel ?? env["IMPULSE_LOG_LEVEL"],
    egressPolicy: flags.egressPolicy ?? (env["IMPULSE_EGRESS_POLICY"] || undefined),
    otelEnv: Object.fromEntries(Object.entries(env).filter((e): e is [string, string] => e[0].startsWith("OTEL_") && e[1] !== undefined)),
  });
  if (!parsed.success) throw new Error("invalid configuration: " + parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  return parsed.data;
}

export async function runController(flags: ControllerFlags): Promise<number> {
  const cfg = readControllerConfig(flags, process.env);
  const log = createLogger(cfg.logLevel, "controller");
  const kubeConfig = kubeConfigLoader(cfg.kubeconfig)();
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const signal = shutdownSignal(log);
  const leaseNamespace = cfg.leaseNamespace ?? cfg.namespace ?? (kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace || "default");
  const controller = startController(
    {
      kubeConfig,
      ...(cfg.namespace ? { namespace: cfg.namespace } : {}),
      options: {
        image: cfg.image,
        ...(cfg.imagePullPolicy ? { imagePullPolicy: cfg.imagePullPolicy } : {}),
        natsImage: cfg.natsImage,
        policy: { allowPrivileged: cfg.allowPrivilegedPods },
        ...(cfg.egressPolicy ? { egressPolicy: cfg.egressPolicy } : {}),
        ...(Object.keys(cfg.otelEnv).length ? { otelEnv: cfg.otelEnv } : {}),
        strategyOf: (type) => sourceDefinitions.get(type)?.strategy ?? "active-active",
        sourceTypes: [...sourceDefinitions.keys()],
      },
      identity: cfg.identity,
      ...(cfg.leaderElect ? { leaderElection: { namespace: leaseNamespace } } : {}),
      logger: log,
      registry,
      workers: cfg.workers,
    },
    signal,
  );
  const server = await startManagementServer(
    cfg.metricsPort,
    registry,
    () => controller.health(),
    () => {
      const r = controller.ready();
      return { healthy: r.ready, ...r };
    },
  );
  log.info(
    { metricsPort: (server.address() as AddressInfo).port, namespace: cfg.namespace ?? "(all)", leaderElect: cfg.leaderElect, image: cfg.image, allowPrivilegedPods: cfg.allowPrivilegedPods },
    "controller running",
  );
  await controller.done;
  await new Promise((r) => server.close(r));
  return 0;
}
