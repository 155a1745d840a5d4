// The pod of an EventSource or Sensor: our container and defaults, the user's `template` merged in, unsafe settings refused.
import type { Finding } from "@impulse/api";
import type { V1Container, V1EnvVar, V1PodSecurityContext, V1PodTemplateSpec, V1SecurityContext, V1Volume, V1VolumeMount } from "@kubernetes/client-node";
import { CONFIG_HASH, configHash } from "../meta.js";

/** Where the runtime reads mounted Secrets (<dir>/<name>/<key>): the CLI's default --secrets-dir. */
export const SECRETS_DIR = "/impulse/secrets";
export const METRICS_PORT = 7777;

// The template policy is pure and shared with `impulse lint`, so it lives in @impulse/api.
export { ALLOW_FLAG, checkPodTemplate, type PodPolicy } from "@impulse/api";

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Every Secret name a spec refers to: any {name, key} reference (SecretKeySelector), wherever it sits, except inside
 * an object a k8s trigger creates (source.resource: its references are for that object, not for the runtime).
 */
export function secretNames(spec: unknown): string[] {
  const out = new Set<string>();
  const walk = (v: unknown, key: string, parent: string) => {
    if (key === "resource" && parent === "source") return;
    if (Array.isArray(v)) return v.forEach((item) => walk(item, key, parent));
    if (!isObject(v)) return;
    const keys = Object.keys(v);
    if (typeof v["name"] === "string" && typeof v["key"] === "string" && keys.every((k) => k === "name" || k === "key" || k === "optional")) out.add(v["name"]);
    else for (const [k, child] of Object.entries(v)) walk(child, k, key);
  };
  walk(spec, "", "");
  return [...out].sort();
}

/** Restricted-profile defaults; a template may override them field by field. */
const POD_SECURITY: V1PodSecurityContext = { runAsNonRoot: true, runAsUser: 1000, runAsGroup: 1000, seccompProfile: { type: "RuntimeDefault" } };
const CONTAINER_SECURITY: V1SecurityContext = { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } };

export interface PodInput {
  labels: Record<string, string>;
  /** Hashed into the config-hash annotation together with the final pod spec. */
  container: V1Container;
  /** Used unless the template names a service account. */
  serviceAccountName: string;
  /** Secrets the spec refers to: each mounted (optional, read-only) at <SECRETS_DIR>/<name>. */
  secrets: string[];
  template: Record<string, unknown> | undefined;
  /** Other volumes the runtime needs (the message templates' ConfigMap), mounted by `container.volumeMounts`. */
  volumes?: V1Volume[];
}

function mergeEnv(ours: V1EnvVar[], theirs: V1EnvVar[] | undefined): V1EnvVar[] {
  const byName = new Map(ours.map((e) => [e.name, e]));
  for (const e of theirs ?? []) byName.set(e.name, e);
  return [...byName.values()];
}

/** Volume names are DNS labels: number the secret volumes instead of deriving them from (long) Secret names. */
function secretVolumes(secrets: string[]): { volumes: V1Volume[]; mounts: V1VolumeMount[] } {
  const volumes = secrets.map((name, i) => ({ name: `impulse-secret-${i}`, secret: { secretName: name, optional: true } }));
  const mounts = secrets.map((name, i) => ({ name: `impulse-secret-${i}`, mountPath: `${SECRETS_DIR}/${name}`, readOnly: true }));
  return { volumes, mounts };
}

/** Builds the pod template; call checkPodTemplate first (this assumes the template's shape is valid). */
export function buildPodTemplate(p: PodInput): V1PodTemplateSpec {
  const t = (p.template ?? {}) as Record<string, unknown> & {
    metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
    container?: Partial<V1Container>;
    volumes?: V1Volume[];
    securityContext?: V1PodSecurityContext;
    serviceAccountName?: string;
  };
  const { metadata, container: userContainer = {}, volumes: userVolumes = [], securityContext: podSc, serviceAccountName, ...podFields } = t;
  const secret = secretVolumes(p.secrets);
  const container: V1Container = {
    ...p.container,
    env: mergeEnv(p.container.env ?? [], userContainer.env),
    ...(userContainer.envFrom ? { envFrom: userContainer.envFrom } : {}),
    ...(userContainer.resources ? { resources: userContainer.resources } : {}),
    imagePullPolicy: userContainer.imagePullPolicy ?? p.container.imagePullPolicy,
    securityContext: { ...CONTAINER_SECURITY, ...p.container.securityContext, ...userContainer.securityContext },
    volumeMounts: [{ name: "tmp", mountPath: "/tmp" }, ...secret.mounts, ...(p.container.volumeMounts ?? []), ...(userContainer.volumeMounts ?? [])],
  };
  if (container.imagePullPolicy === undefined) delete container.imagePullPolicy;
  const spec = {
    ...podFields,
    serviceAccountName: serviceAccountName ?? p.serviceAccountName,
    securityContext: { ...POD_SECURITY, ...podSc },
    containers: [container],
    volumes: [{ name: "tmp", emptyDir: {} }, ...secret.volumes, ...(p.volumes ?? []), ...userVolumes],
  };
  return stampConfigHash({ metadata: { labels: { ...metadata?.labels, ...p.labels }, annotations: { ...metadata?.annotations } }, spec: spec as V1PodTemplateSpec["spec"] });
}

/** Sets the config-hash annotation to a hash of everything else in the pod template, and of `extra` (mounted config). */
export function stampConfigHash(pod: V1PodTemplateSpec, extra?: unknown): V1PodTemplateSpec {
  const annotations = { ...pod.metadata?.annotations };
  delete annotations[CONFIG_HASH];
  const hash = configHash({ pod: { ...pod, metadata: { ...pod.metadata, annotations } }, extra });
  return { ...pod, metadata: { ...pod.metadata, annotations: { ...annotations, [CONFIG_HASH]: hash } } };
}
