// Names, labels, owner references and the config hash shared by every object the controller creates.
import { createHash } from "node:crypto";

export const GROUP = "impulse.dev";
export const API_VERSION = `${GROUP}/v1alpha1`;
/** Field manager of every server-side apply, and the value of app.kubernetes.io/managed-by. */
export const MANAGER = "impulse-controller";
/** Keeps a custom resource until the controller deleted what it created (a bare or slow cluster may have no garbage collector). */
export const FINALIZER = "impulse.dev/cleanup";
/** On the pod template: changes whenever the pod's inputs change, so a spec change rolls the pods. */
export const CONFIG_HASH = "impulse.dev/config-hash";

export type Kind = "EventBus" | "EventSource" | "Sensor";
export const KINDS: readonly Kind[] = ["EventBus", "EventSource", "Sensor"];

const component: Record<Kind, string> = { EventBus: "eventbus", EventSource: "eventsource", Sensor: "sensor" };
export const plural: Record<Kind, string> = { EventBus: "eventbuses", EventSource: "eventsources", Sensor: "sensors" };

/** impulse.dev/eventsource-name etc.: names the custom resource an object belongs to. */
export function nameLabel(kind: Kind): string {
  return `${GROUP}/${component[kind]}-name`;
}

/** The few labels a workload selects its pods by (a selector is immutable: keep it minimal and stable). */
export function selectorLabels(kind: Kind, name: string): Record<string, string> {
  return { "app.kubernetes.io/component": component[kind], [nameLabel(kind)]: name };
}

export function labelsFor(kind: Kind, name: string): Record<string, string> {
  return {
    "app.kubernetes.io/name": "impulse",
    "app.kubernetes.io/instance": name,
    "app.kubernetes.io/part-of": "impulse",
    "app.kubernetes.io/managed-by": MANAGER,
    ...selectorLabels(kind, name),
  };
}

/** Label selector (query string form) of everything the controller made for one custom resource. */
export function ownedSelector(kind: Kind, name: string): string {
  return `app.kubernetes.io/managed-by=${MANAGER},${nameLabel(kind)}=${name}`;
}

/** The custom resource a managed object belongs to, read back from its labels. */
export function ownerFromLabels(labels: Record<string, string> | undefined): { kind: Kind; name: string } | undefined {
  if (!labels || labels["app.kubernetes.io/managed-by"] !== MANAGER) return undefined;
  for (const kind of KINDS) {
    const name = labels[nameLabel(kind)];
    if (name) return { kind, name };
  }
  return undefined;
}

export interface OwnerReference {
  apiVersion: string;
  kind: string;
  name: string;
  uid: string;
  controller: true;
  blockOwnerDeletion: true;
}

export function ownerReference(kind: Kind, name: string, uid: string): OwnerReference {
  return { apiVersion: API_VERSION, kind, name, uid, controller: true, blockOwnerDeletion: true };
}

/**
 * `<name>-<suffix>`, shortened with a hash when it would exceed `max` (Service names are DNS labels of at most 63
 * characters), so two long names never collide.
 */
export function childName(name: string, suffix: string, max = 63): string {
  const full = `${name}-${suffix}`;
  if (full.length <= max) return full;
  const hash = createHash("sha256").update(full).digest("hex").slice(0, 8);
  return `${name.slice(0, max - suffix.length - hash.length - 2).replace(/[-.]+$/, "")}-${hash}-${suffix}`;
}

/** JSON with object keys sorted, so equal values always hash the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v,
  );
}

export function configHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex").slice(0, 16);
}
