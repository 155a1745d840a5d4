// Runtime configuration, read once from flags and environment and validated with zod.
import { EgressPolicy, parseGoDuration } from "@impulse/api";
import { hostname } from "node:os";
import { z } from "zod";
import { tracingEnabled } from "./tracing/enabled.js";

/** The process-wide egress policy as JSON (`{"allow":[…],"deny":[…]}`), from --egress-policy or IMPULSE_EGRESS_POLICY. */
export const EgressPolicyText = z
  .string()
  .transform((text, ctx) => {
    try {
      return JSON.parse(text) as unknown;
    } catch (e) {
      ctx.addIssue({ code: "custom", message: `is not JSON: ${(e as Error).message}` });
      return z.NEVER;
    }
  })
  .pipe(EgressPolicy);

export const RuntimeConfig = z.object({
  natsUrl: z.string().optional(),
  /** From the controller: the bus Secret's value (token or username/password YAML) and the EventBus's streamConfig (JSON). */
  busAuth: z.string().optional(),
  busStream: z.string().optional(),
  /** From the controller: the EventBus's spec.journal (JSON). */
  busJournal: z.string().optional(),
  namespace: z.string().min(1).default("local"),
  metricsPort: z.coerce.number().int().min(0).max(65535),
  /** Where webhook and metrics servers listen: every interface in a pod, loopback under `impulse dev`. */
  listenAddress: z.string().min(1),
  secretsDir: z.string().default("/impulse/secrets"),
  kubeconfig: z.string().optional(),
  leaderElect: z.boolean().default(false),
  leaseNamespace: z.string().optional(),
  identity: z.string().min(1),
  logLevel: z.enum(["trace", "debug", "info", "warn", "error", "silent"]).default("info"),
  /** json: one pino JSON line per entry (pods, pipes); pretty: one readable, coloured line (a terminal). */
  logFormat: z.enum(["json", "pretty"]),
  concurrency: z.coerce.number().int().positive().default(32),
  dedupWindow: z
    .string()
    .default("5m")
    .refine((d) => parseGoDuration(d) !== undefined && parseGoDuration(d)! >= 0, "must be a duration like 5m or 0 to turn it off")
    .transform((d) => parseGoDuration(d)!),
  egressPolicy: EgressPolicyText.optional(),
  /** Set when the OTEL_* environment asks for traces (tracing/enabled.ts); the SDK reads the rest of OTEL_* itself. */
  tracing: z.object({ defaultServiceName: z.string() }).optional(),
  /** Message templates (a ConfigMap manifest or a directory such as the mounted ConfigMap impulse-notification-templates). */
  templates: z.string().optional(),
});
export type RuntimeConfig = z.output<typeof RuntimeConfig>;

export interface CommonFlags {
  natsUrl?: string;
  namespace?: string;
  metricsPort?: string;
  listenAddress?: string;
  logFormat?: string;
  secretsDir?: string;
  kubeconfig?: string;
  leaderElect?: boolean;
  leaseNamespace?: string;
  logLevel?: string;
  concurrency?: string;
  dedupWindow?: string;
  egressPolicy?: string;
  templates?: string;
}

/**
 * Default metrics ports of `impulse eventsource` and `impulse sensor`: distinct, so the documented pair of commands
 * runs side by side on one machine. Pods get IMPULSE_METRICS_PORT from the controller.
 */
export const DEFAULT_METRICS_PORT = { EventSource: 7777, Sensor: 7778 } as const;

export interface ConfigDefaults {
  metricsPort: number;
  listenAddress: string;
  logFormat: "json" | "pretty";
  /** The traces' service.name unless OTEL_SERVICE_NAME gives one (default "impulse"). */
  serviceName?: string;
}

export function readConfig(flags: CommonFlags, env: NodeJS.ProcessEnv, defaults: ConfigDefaults): RuntimeConfig {
  const parsed = RuntimeConfig.safeParse({
    natsUrl: flags.natsUrl ?? env["IMPULSE_BUS_URL"],
    busAuth: env["IMPULSE_BUS_AUTH"],
    busStream: env["IMPULSE_BUS_STREAM"],
    busJournal: env["IMPULSE_BUS_JOURNAL"],
    namespace: flags.namespace ?? env["IMPULSE_NAMESPACE"],
    metricsPort: flags.metricsPort ?? env["IMPULSE_METRICS_PORT"] ?? defaults.metricsPort,
    listenAddress: flags.listenAddress ?? env["IMPULSE_LISTEN_ADDRESS"] ?? defaults.listenAddress,
    logFormat: flags.logFormat ?? env["IMPULSE_LOG_FORMAT"] ?? defaults.logFormat,
    secretsDir: flags.secretsDir ?? env["IMPULSE_SECRETS_DIR"],
    // KUBECONFIG may list several files; the first one is used.
    kubeconfig: flags.kubeconfig ?? (env["KUBECONFIG"]?.split(":")[0] || undefined),
    leaderElect: flags.leaderElect ?? ["1", "true"].includes(env["IMPULSE_LEADER_ELECT"] ?? ""),
    // In a pod the downward API gives these; elsewhere the host and process tell replicas apart.
    leaseNamespace: flags.leaseNamespace ?? env["POD_NAMESPACE"],
    identity: env["POD_NAME"] ?? `${hostname()}-${process.pid}`,
    logLevel: flags.logLevel ?? env["IMPULSE_LOG_LEVEL"],
    concurrency: flags.concurrency ?? env["IMPULSE_CONCURRENCY"],
    dedupWindow: flags.dedupWindow ?? env["IMPULSE_DEDUP_WINDOW"],
    egressPolicy: flags.egressPolicy ?? (env["IMPULSE_EGRESS_POLICY"] || undefined),
    tracing: tracingEnabled(env) ? { defaultServiceName: defaults.serviceName ?? "impulse" } : undefined,
    templates: flags.templates ?? (env["IMPULSE_TEMPLATES"] || undefined),
  });
  if (!parsed.success) throw new Error("invalid configuration: " + parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  return parsed.data;
}
