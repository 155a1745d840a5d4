// The `impulse eventsource` / `impulse sensor` container and the objects both runtimes get (ServiceAccount).
import type { V1Container, V1EnvVar } from "@kubernetes/client-node";
import { API_VERSION, labelsFor, ownerReference, type Kind } from "../meta.js";
import { METRICS_PORT, SECRETS_DIR } from "./pod.js";
import type { BusConnection, CustomResource, DesiredObject, RuntimeOptions } from "./types.js";

const downward = (name: string, fieldPath: string): V1EnvVar => ({ name, valueFrom: { fieldRef: { fieldPath } } });

/**
 * The spec handed to the pod in IMPULSE_SPEC: the resource as the user wrote it (the runtime validates it again,
 * with the same parser), without status or server-side metadata.
 */
export function runtimeSpec(cr: CustomResource): string {
  return JSON.stringify({ apiVersion: API_VERSION, kind: cr.kind, metadata: { name: cr.metadata.name, namespace: cr.metadata.namespace }, spec: cr.spec });
}

export function runtimeContainer(
  command: "eventsource" | "sensor",
  cr: CustomResource,
  bus: BusConnection,
  opts: RuntimeOptions,
  extra: { env?: V1EnvVar[]; ports?: { name?: string; containerPort: number; protocol?: string }[] } = {},
): V1Container {
  const env: V1EnvVar[] = [
    { name: "IMPULSE_SPEC", value: runtimeSpec(cr) },
    { name: "IMPULSE_BUS_URL", value: bus.url },
    // Scopes stream, consumer and KV names: every runtime of one namespace shares them.
    { name: "IMPULSE_NAMESPACE", value: cr.metadata.namespace },
    { name: "IMPULSE_METRICS_PORT", value: String(METRICS_PORT) },
    { name: "IMPULSE_SECRETS_DIR", value: SECRETS_DIR },
    downward("POD_NAME", "metadata.name"),
    downward("POD_NAMESPACE", "metadata.namespace"),
  ];
  // Without the bus's stream settings a runtime would reset the stream to the defaults when it connects.
  if (bus.streamConfig) env.push({ name: "IMPULSE_BUS_STREAM", value: JSON.stringify(bus.streamConfig) });
  if (bus.journal) env.push({ name: "IMPULSE_BUS_JOURNAL", value: JSON.stringify(bus.journal) });
  if (bus.accessSecret) env.push({ name: "IMPULSE_BUS_AUTH", valueFrom: { secretKeyRef: { name: bus.accessSecret.name, key: bus.accessSecret.key } } });
  // Tracing for every runtime, as the controller was configured (docs/tracing.md); spec.template.container.env overrides.
  for (const [name, value] of Object.entries(opts.otelEnv ?? {}).sort(([a], [b]) => a.localeCompare(b))) env.push({ name, value });
  env.push(...(extra.env ?? []));
  return {
    name: "main",
    image: opts.image,
    ...(opts.imagePullPolicy ? { imagePullPolicy: opts.imagePullPolicy } : {}),
    args: [command],
    env,
    ports: [{ name: "metrics", containerPort: METRICS_PORT, protocol: "TCP" }, ...(extra.ports ?? [])],
    readinessProbe: { httpGet: { path: "/health", port: "metrics" }, periodSeconds: 5, failureThreshold: 3 },
  };
}

/** The runtime's own identity; users bind Roles to it (k8s triggers, resource sources, Leases). */
export function serviceAccount(kind: Kind, cr: CustomResource, name: string): DesiredObject {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name, namespace: cr.metadata.namespace, labels: labelsFor(kind, cr.metadata.name), ownerReferences: [ownerReference(kind, cr.metadata.name, cr.metadata.uid)] },
  };
}
