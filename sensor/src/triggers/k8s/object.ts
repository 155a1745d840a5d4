// Builds the object a k8s trigger acts on: parse the source (sources/ loads it), apply parameters, check it, add Impulse's labels.
import { ErrorCodes, ImpulseError, type K8sTriggerTemplate, type TraceCarrier } from "@impulse/api";
import { parse as parseYaml } from "yaml";
import { applyParameters } from "../../params/apply.js";
import type { FiredEvents } from "../../params/resolve.js";
import type { KubeClient, KubeObject } from "./client.js";

export const LABEL_SENSOR = "impulse.dev/sensor";
export const LABEL_TRIGGER = "impulse.dev/trigger";
export const LABEL_ACTION_TIMESTAMP = "impulse.dev/action-timestamp";
/** Carries the firing's idempotency key: a redelivered firing finds the object it already created. */
export const LABEL_IDEMPOTENCY = "impulse.dev/idempotency-key";
/** The firing's W3C trace context on the object it created or changed (docs/tracing.md). */
export const ANNOTATION_TRACEPARENT = "impulse.dev/traceparent";
export const ANNOTATION_TRACESTATE = "impulse.dev/tracestate";

const invalid = (message: string) => new ImpulseError(ErrorCodes.InvalidSpec, message);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Checks what the API path needs; parameters may have changed anything, so this runs after them. */
export function asKubeObject(v: unknown, where: string): KubeObject {
  if (!isObject(v)) throw invalid(`${where}: the object must be a mapping, got ${Array.isArray(v) ? "a list" : typeof v}`);
  if (typeof v["apiVersion"] !== "string" || !v["apiVersion"]) throw invalid(`${where}: apiVersion is missing`);
  if (typeof v["kind"] !== "string" || !v["kind"]) throw invalid(`${where}: kind is missing`);
  if (v["metadata"] === undefined) v["metadata"] = {};
  if (!isObject(v["metadata"])) throw invalid(`${where}: metadata must be a mapping`);
  return v as KubeObject;
}

/** Parses a YAML or JSON document holding one object. */
export function parseObject(text: string, where: string): KubeObject {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw invalid(`${where}: not valid YAML: ${(e as Error).message.split("\n")[0]}`);
  }
  return asKubeObject(doc, where);
}

/** Applies the kind's parameters (dest is a path into the object, as in Argo) and re-checks the result. */
export function withParameters(obj: KubeObject, t: K8sTriggerTemplate, events: FiredEvents): KubeObject {
  return t.parameters?.length ? asKubeObject(applyParameters(obj, t.parameters, events), "the object after parameters") : obj;
}

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** A valid label value for any name: invalid characters become "-", at most 63 characters, alphanumeric at both ends. */
export function labelValue(s: string): string {
  if (s.length <= 63 && LABEL_VALUE.test(s)) return s;
  return s
    .replace(/[^-A-Za-z0-9_.]/g, "-")
    .slice(0, 63)
    .replace(/^[^A-Za-z0-9]+|[^A-Za-z0-9]+$/g, "");
}

/** Labels that say who created the object and when (Argo's events.argoproj.io/* labels), plus the idempotency key. */
export function creationLabels(sensor: string, trigger: string, idempotencyKey: string, now = Date.now()): Record<string, string> {
  return {
    [LABEL_SENSOR]: labelValue(sensor),
    [LABEL_TRIGGER]: labelValue(trigger),
    [LABEL_ACTION_TIMESTAMP]: String(now),
    [LABEL_IDEMPOTENCY]: labelValue(idempotencyKey),
  };
}

/** The trace context as annotations (none without one). */
export function traceAnnotations(trace: TraceCarrier | undefined): Record<string, string> {
  if (!trace) return {};
  return { [ANNOTATION_TRACEPARENT]: trace.traceparent, ...(trace.tracestate ? { [ANNOTATION_TRACESTATE]: trace.tracestate } : {}) };
}

export function withAnnotations(obj: KubeObject, annotations: Record<string, string>): KubeObject {
  if (Object.keys(annotations).length === 0) return obj;
  const own = (obj.metadata as { annotations?: Record<string, string> }).annotations;
  return { ...obj, metadata: { ...obj.metadata, annotations: { ...(own ?? {}), ...annotations } } as KubeObject["metadata"] };
}

export function withLabels(obj: KubeObject, labels: Record<string, string>): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, labels: { ...(obj.metadata.labels ?? {}), ...labels } } };
}

/**
 * Argo's update merge (mergo with override): mappings merge key by key, anything else in `patch` replaces what
 * `base` holds. Null in `patch` is skipped, as mergo skips empty values; lists are replaced whole.
 */
export function mergeObjects(base: unknown, patch: unknown): unknown {
  if (patch === null || patch === undefined) return base;
  if (!isObject(base) || !isObject(patch)) return structuredClone(patch);
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) if (v !== null && v !== undefined) out[k] = mergeObjects(base[k], v);
  return out;
}

/** The object's name, required by every operation but create-with-generateName. */
export function requireName(obj: KubeObject, operation: string): string {
  const name = obj.metadata.name;
  if (typeof name === "string" && name) return name;
  throw invalid(`operation ${operation} needs metadata.name (generateName only works with create)`);
}
