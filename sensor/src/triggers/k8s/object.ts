// Builds the object a k8s trigger acts on: load the source, apply parameters, check it, add Impulse's labels.
import { ErrorCodes, ImpulseError, type K8sTriggerTemplate } from "@impulse/api";
import { parse as parseYaml } from "yaml";
import { applyParameters } from "../../params/apply.js";
import type { FiredEvents } from "../../params/resolve.js";
import type { KubeClient, KubeObject } from "./client.js";

export const LABEL_SENSOR = "impulse.dev/sensor";
export const LABEL_TRIGGER = "impulse.dev/trigger";
export const LABEL_ACTION_TIMESTAMP = "impulse.dev/action-timestamp";
/** Carries the firing's idempotency key: a redelivered firing finds the object it already created. */
export const LABEL_IDEMPOTENCY = "impulse.dev/idempotency-key";

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

/** Reads source.s3's object text (source-s3.ts); given by the trigger, which holds the Secrets and the configured source. */
export type S3SourceReader = (s3: NonNullable<K8sTriggerTemplate["source"]["s3"]>) => Promise<string>;

/** The source object, before parameters: inline, read from an S3 object, or from a ConfigMap in the Sensor's namespace, at each firing. */
export async function loadSource(source: K8sTriggerTemplate["source"], client: () => KubeClient, sensorNamespace: string, readS3?: S3SourceReader): Promise<KubeObject> {
  if (source.resource) return asKubeObject(structuredClone(source.resource), "source.resource");
  if (source.inline !== undefined) return parseObject(source.inline, "source.inline");
  if (source.s3 && readS3) return parseObject(await readS3(source.s3), `source.s3 ${source.s3.bucket.name}/${source.s3.bucket.key}`);
  const ref = source.configmap!;
  const c = client();
  const cm = await c.request<{ data?: Record<string, string> }>("GET", `/api/v1/namespaces/${encodeURIComponent(sensorNamespace)}/configmaps/${encodeURIComponent(ref.name)}`, {
    what: `read source ConfigMap ${sensorNamespace}/${ref.name}`,
  });
  const text = cm.data?.[ref.key];
  if (text === undefined) throw invalid(`source.configmap: ConfigMap ${sensorNamespace}/${ref.name} has no key "${ref.key}"`);
  return parseObject(text, `source.configmap ${ref.name}/${ref.key}`);
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
