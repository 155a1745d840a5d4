// Checks a CRD schema against the API server's structural-schema rules, so a bad generation fails before any cluster sees it.
import type { JSONSchemaProps } from "./types.js";

const JUNCTORS = ["oneOf", "anyOf", "allOf", "not"] as const;
/** Keys the API server refuses inside oneOf/anyOf/allOf/not (structural rule 3). */
const NOT_IN_JUNCTOR = ["type", "description", "default", "additionalProperties", "nullable"] as const;

function typeOf(v: unknown): string {
  if (Array.isArray(v)) return "array";
  if (v === null) return "null";
  if (typeof v === "number") return Number.isInteger(v) ? "integer" : "number";
  return typeof v;
}

/** Lists every violation as `<path>: <problem>`; empty means the API server will accept the schema's shape. */
export function structuralViolations(s: JSONSchemaProps, path = "", inJunctor = false): string[] {
  const out: string[] = [];
  const raw = s as Record<string, unknown>;
  for (const k of ["$ref", "anyOf", "allOf", "not", "uniqueItems", "propertyNames", "const", "definitions", "$defs", "prefixItems"])
    if (k in raw && !(inJunctor && k !== "$ref")) out.push(`${path}: ${k} is not allowed in a CRD schema`);
  if (inJunctor) for (const k of NOT_IN_JUNCTOR) if (k in raw) out.push(`${path}: ${k} inside a junctor`);
  const open = s["x-kubernetes-preserve-unknown-fields"] === true || s["x-kubernetes-int-or-string"] === true;
  if (!inJunctor && !s.type && !open) out.push(`${path}: no type (and neither preserve-unknown-fields nor int-or-string)`);
  if (s.properties && s.additionalProperties) out.push(`${path}: properties and additionalProperties together`);
  if (s.required) for (const r of s.required) if (!s.properties?.[r]) out.push(`${path}: required ${r} is not a property`);
  if (s["x-kubernetes-list-type"] === "map")
    for (const k of s["x-kubernetes-list-map-keys"] ?? [])
      if (!s.items?.required?.includes(k) && s.items?.properties?.[k]?.default === undefined) out.push(`${path}: list map key ${k} must be required or defaulted`);
  if (s.default !== undefined && s.type) {
    const t = typeOf(s.default);
    if (!(t === s.type || (s.type === "number" && t === "integer"))) out.push(`${path}: default ${JSON.stringify(s.default)} is not a ${s.type}`);
    if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(s.default))) out.push(`${path}: default is not in the enum`);
  }
  if (s.pattern) {
    try {
      new RegExp(s.pattern, "u");
    } catch (e) {
      out.push(`${path}: pattern does not compile: ${(e as Error).message}`);
    }
  }
  for (const [k, v] of Object.entries(s.properties ?? {})) out.push(...structuralViolations(v, `${path}.${k}`, inJunctor));
  if (s.items) out.push(...structuralViolations(s.items, `${path}[]`, inJunctor));
  if (s.additionalProperties) out.push(...structuralViolations(s.additionalProperties, `${path}.*`, inJunctor));
  for (const j of JUNCTORS) {
    const list = raw[j];
    if (Array.isArray(list)) list.forEach((b, i) => out.push(...structuralViolations(b as JSONSchemaProps, `${path}.${j}[${i}]`, true)));
  }
  return out;
}
