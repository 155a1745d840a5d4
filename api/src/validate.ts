// Turns a parsed YAML document into a typed resource, with errors and unknown-field warnings that name their path.
import type { z } from "zod";
import { API_VERSIONS } from "./common/types.js";
import { EventBus, UNSUPPORTED_BUS_TYPES } from "./eventbus.js";
import { EventSource } from "./eventsource/schema.js";
import { ARGO_SOURCE_TYPES, sourceConfigSchemas } from "./eventsource/sources/index.js";
import { Sensor } from "./sensor/schema.js";
import { ARGO_TRIGGER_KINDS } from "./sensor/triggers/index.js";
import { knownFields, salvage } from "./schema-walk.js";
import { didYouMean, nearest } from "./suggest.js";

export interface Finding {
  /** Dotted path into the document, e.g. spec.triggers[0].template.http.url */
  path: string;
  message: string;
}

export type Resource = EventSource | Sensor | EventBus;
export const RESOURCE_KINDS = ["EventSource", "Sensor", "EventBus"] as const;
export type ResourceKind = (typeof RESOURCE_KINDS)[number];

export type ParseResult =
  | { ok: true; resource: Resource; warnings: Finding[] }
  | {
      ok: false;
      kind?: string;
      name?: string;
      errors: Finding[];
      warnings: Finding[];
      /** The valid parts of the document (see salvage), so deeper checks can still run on them in the same pass. */
      partial?: Resource;
    };

const schemas: Record<ResourceKind, z.ZodType> = { EventSource, Sensor, EventBus };

export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const seg of path) {
    if (typeof seg === "number") out += `[${seg}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(String(seg))) out += out ? `.${String(seg)}` : String(seg);
    else out += `[${JSON.stringify(String(seg))}]`;
  }
  return out || "(root)";
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Removes an unknown key; false when it is not in the input (e.g. inside a YAML string field), so it cannot be. */
function deleteAt(root: unknown, path: readonly PropertyKey[], key: string): boolean {
  let node: unknown = root;
  for (const seg of path) node = (node as Record<PropertyKey, unknown>)?.[seg as string];
  if (!isObject(node) || !(key in node)) return false;
  delete node[key];
  return true;
}

/** An unknown key that is an Argo feature Impulse lacks is an error (it would silently do nothing), not a warning. */
function unsupportedArgoFeature(kind: string, path: readonly PropertyKey[], key: string): string | undefined {
  const p = formatPath(path);
  if (kind === "EventSource" && p === "spec" && (ARGO_SOURCE_TYPES as readonly string[]).includes(key))
    return `EventSource type "${key}" is not supported yet`;
  if (kind === "Sensor" && /^spec\.triggers\[\d+\](\.dlqTrigger)*\.template$/.test(p) && (ARGO_TRIGGER_KINDS as readonly string[]).includes(key))
    return `trigger kind "${key}" is not supported yet`;
  if (kind === "EventBus" && p === "spec" && Object.hasOwn(UNSUPPORTED_BUS_TYPES, key)) return UNSUPPORTED_BUS_TYPES[key];
  return undefined;
}

/** Validates one document. Unknown fields are removed and reported as warnings, never silently dropped. */
export function parseResource(doc: unknown): ParseResult {
  const warnings: Finding[] = [];
  if (!isObject(doc)) return { ok: false, errors: [{ path: "(root)", message: "expected a YAML mapping with apiVersion, kind, metadata, spec" }], warnings };
  const kind = doc["kind"];
  const name = isObject(doc["metadata"]) && typeof doc["metadata"]["name"] === "string" ? doc["metadata"]["name"] : undefined;
  const base = { kind: typeof kind === "string" ? kind : undefined, name } as { kind?: string; name?: string };
  if (typeof kind !== "string" || !(RESOURCE_KINDS as readonly string[]).includes(kind))
    return { ok: false, ...base, errors: [{ path: "kind", message: `must be one of ${RESOURCE_KINDS.join(", ")}` }], warnings };
  if (!(API_VERSIONS as readonly unknown[]).includes(doc["apiVersion"]))
    return { ok: false, ...base, errors: [{ path: "apiVersion", message: `must be ${API_VERSIONS.join(" or ")}` }], warnings };

  const errors: Finding[] = [];
  const input = structuredClone(doc);
  const schema = schemas[kind as ResourceKind];
  /** Unknown keys removed so far, to pair a misspelt required field with its "missing" error. */
  const unknown: { parent: readonly PropertyKey[]; key: string; warning: Finding }[] = [];
  for (;;) {
    const result = schema.safeParse(input);
    if (result.success) {
      if (errors.length) return { ok: false, ...base, errors, warnings };
      return { ok: true, resource: result.data as Resource, warnings };
    }
    let removed = 0;
    const issueErrors: Finding[] = [];
    /** Other issues; turned into errors only in the last pass, once every unknown key is known (for the pairing). */
    const pending: { path: readonly PropertyKey[]; message: string }[] = [];
    for (const issue of result.error.issues) {
      if (issue.code === "unrecognized_keys") {
        const known = knownFields(schema, issue.path);
        for (const key of issue.keys) {
          const unsupported = unsupportedArgoFeature(kind, issue.path, key);
          const path = formatPath([...issue.path, key]);
          const deleted = deleteAt(input, issue.path, key);
          if (unsupported) errors.push({ path, message: unsupported });
          else if (!deleted) issueErrors.push({ path, message: `unknown field${didYouMean(key, known)}` });
          else {
            const warning = { path, message: `unknown field, ignored${didYouMean(key, known)}` };
            warnings.push(warning);
            unknown.push({ parent: issue.path, key, warning });
          }
          if (deleted) removed++;
        }
      } else pending.push(issue);
    }
    if (removed === 0) {
      for (const issue of pending)
        issueErrors.push(misspeltRequired(input, issue.path, unknown, warnings) ?? misspeltSourceType(kind, issue, unknown, warnings) ?? { path: formatPath(issue.path), message: issue.message });
      // An unsupported Argo bus type explains the "set exactly one of" error that follows from removing it.
      const explained = kind === "EventBus" && errors.some((e) => Object.hasOwn(UNSUPPORTED_BUS_TYPES, e.path.slice("spec.".length)));
      const rest = explained ? issueErrors.filter((e) => e.path !== "spec") : issueErrors;
      const partial = salvage(schema, input);
      return { ok: false, ...base, errors: [...errors, ...rest], warnings, ...(partial.ok ? { partial: partial.value as Resource } : {}) };
    }
  }
}

/** An EventSource with no events because its source type is misspelt (webhok:) is one error at the misspelling. */
function misspeltSourceType(kind: string, issue: { path: readonly PropertyKey[]; message: string }, unknown: { parent: readonly PropertyKey[]; key: string; warning: Finding }[], warnings: Finding[]): Finding | undefined {
  if (kind !== "EventSource" || formatPath(issue.path) !== "spec" || !issue.message.startsWith("defines no events")) return undefined;
  const types = Object.keys(sourceConfigSchemas);
  const typo = unknown.find((u) => formatPath(u.parent) === "spec" && nearest(u.key, types) !== undefined);
  if (!typo) return undefined;
  unknown.splice(unknown.indexOf(typo), 1);
  const i = warnings.indexOf(typo.warning);
  if (i >= 0) warnings.splice(i, 1);
  return { path: typo.warning.path, message: `unknown field; did you mean "${nearest(typo.key, types)}"? (without it the EventSource defines no events)` };
}

/**
 * A required field reported missing while an unknown key next to it is its likely misspelling (eventNmae for
 * eventName) is one error at the misspelt key; its "unknown field" warning is withdrawn.
 */
function misspeltRequired(input: unknown, path: readonly PropertyKey[], unknown: { parent: readonly PropertyKey[]; key: string; warning: Finding }[], warnings: Finding[]): Finding | undefined {
  const field = path[path.length - 1];
  if (typeof field !== "string") return undefined;
  const parentPath = path.slice(0, -1);
  let parent: unknown = input;
  for (const seg of parentPath) parent = (parent as Record<PropertyKey, unknown> | undefined)?.[seg as string];
  if (!isObject(parent) || field in parent) return undefined;
  const typo = unknown.find((u) => formatPath(u.parent) === formatPath(parentPath) && nearest(u.key, [field]) === field);
  if (!typo) return undefined;
  unknown.splice(unknown.indexOf(typo), 1);
  const i = warnings.indexOf(typo.warning);
  if (i >= 0) warnings.splice(i, 1);
  return { path: typo.warning.path, message: `unknown field; did you mean "${field}"? (${field} is required)` };
}
