// Builds typed resources for tests from plain objects, failing loudly when a test writes an invalid spec.
import { parseResource, type EventSource, type Sensor } from "@impulse/api";

export function eventSource(name: string, spec: Record<string, unknown>): EventSource {
  const r = parseResource({ apiVersion: "impulse.dev/v1alpha1", kind: "EventSource", metadata: { name }, spec });
  if (!r.ok || r.resource.kind !== "EventSource") throw new Error("invalid test EventSource: " + JSON.stringify(r));
  return r.resource;
}

/** `namespace` sets metadata.namespace (k8s triggers default to it). */
export function sensor(name: string, spec: Record<string, unknown>, namespace?: string): Sensor {
  const r = parseResource({ apiVersion: "impulse.dev/v1alpha1", kind: "Sensor", metadata: { name, ...(namespace ? { namespace } : {}) }, spec });
  if (!r.ok || r.resource.kind !== "Sensor") throw new Error("invalid test Sensor: " + JSON.stringify(r));
  return r.resource;
}
