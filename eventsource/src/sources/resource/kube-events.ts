// Core Kubernetes Events (v1 and events.k8s.io/v1): a repeat only bumps counters and timestamps, so it is not a new event.
import { createHash } from "node:crypto";
import type { KubeObject } from "../../kube-http.js";

export function isKubeEventResource(group: string, resource: string): boolean {
  return resource === "events" && (group === "" || group === "events.k8s.io");
}

/** Fields a repeat of the same logical Event changes (both API versions); everything else identifies it. */
const REPEAT_FIELDS = ["count", "lastTimestamp", "series", "deprecatedCount", "deprecatedLastTimestamp", "eventTime"];

/** A short hash of what makes an Event distinct; two versions with the same fingerprint are one logical Event. */
export function eventFingerprint(obj: KubeObject): string {
  const { resourceVersion: _rv, managedFields: _mf, ...metadata } = obj.metadata;
  const rest: Record<string, unknown> = { ...obj, metadata };
  for (const f of REPEAT_FIELDS) delete rest[f];
  return createHash("sha256").update(stableJson(rest)).digest("base64url").slice(0, 22);
}

function stableJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  if (v && typeof v === "object") {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${stableJson((v as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(v) ?? "null";
}
