// Turns a zod schema into a Kubernetes *structural* openAPIV3Schema: z.toJSONSchema, then rewrites what the API server refuses.
import { z } from "zod";
import type { JSONSchemaProps } from "./types.js";

type Json = Record<string, any>;

/** Where the CRD schema says less than the zod schema; the controller's zod validation still checks these. */
export interface Loss {
  path: string;
  what: "open" | "int-or-string" | "cycle" | "propertyNames" | "pattern" | "format";
  detail: string;
}

export interface StructuralResult {
  schema: JSONSchemaProps;
  losses: Loss[];
}

/** Go's regexp (RE2) has no lookaround or backreferences; the API server refuses a CRD whose pattern does not compile. */
const NOT_RE2 = /\(\?[=!<]|\\[1-9]|\\k</;
/** Formats the API server knows (k8s.io/kube-openapi strfmt); others would be ignored at best. */
const FORMATS = new Set(["date-time", "date", "uuid", "email", "hostname", "ipv4", "ipv6", "cidr", "uri", "byte", "int32", "int64", "duration"]);
const SAFE_INT = Number.MAX_SAFE_INTEGER;

/** `{x-kubernetes-preserve-unknown-fields: true}`: any JSON value, checked by Impulse rather than the API server. */
function open(description: string | undefined, isObject: boolean): JSONSchemaProps {
  return {
    ...(description ? { description } : {}),
    ...(isObject ? { type: "object" as const } : {}),
    "x-kubernetes-preserve-unknown-fields": true,
  };
}

interface Ctx {
  defs: Record<string, Json>;
  refs: string[];
  losses: Loss[];
}

/** Key order of the emitted YAML: what a reader looks for first. */
const ORDER: (keyof JSONSchemaProps)[] = [
  "description", "type", "format", "default", "enum", "nullable", "pattern", "minLength", "maxLength", "minimum", "exclusiveMinimum",
  "maximum", "exclusiveMaximum", "multipleOf", "minItems", "maxItems", "minProperties", "maxProperties",
  "x-kubernetes-int-or-string", "x-kubernetes-preserve-unknown-fields", "x-kubernetes-list-type", "x-kubernetes-list-map-keys",
  "required", "oneOf", "x-kubernetes-validations", "properties", "additionalProperties", "items",
];

export function ordered(s: JSONSchemaProps): JSONSchemaProps {
  const out: Record<string, unknown> = {};
  for (const k of ORDER) if (s[k] !== undefined) out[k] = s[k];
  for (const k of Object.keys(s)) if (!(k in out)) out[k] = s[k as keyof JSONSchemaProps];
  return out as JSONSchemaProps;
}

function scalarType(b: Json): string | undefined {
  return typeof b.type === "string" && b.type !== "object" && b.type !== "array" ? b.type : undefined;
}

/** A union of literals of one kind (z.union([z.literal(0), z.literal(1)])) is an enum. */
function literalUnion(branches: Json[]): JSONSchemaProps | undefined {
  if (!branches.every((b) => Array.isArray(b.enum) || "const" in b)) return undefined;
  const values = branches.flatMap((b) => (Array.isArray(b.enum) ? b.enum : [b.const]));
  const kinds = new Set(values.map((v) => typeof v));
  if (kinds.size !== 1) return undefined;
  const kind = [...kinds][0];
  if (kind === "number") return { type: values.every((v) => Number.isInteger(v)) ? "integer" : "number", enum: values };
  if (kind === "string") return { type: "string", enum: values };
  if (kind === "boolean") return { type: "boolean", enum: values };
  return undefined;
}

function convertUnion(n: Json, branches: Json[], path: string, ctx: Ctx): JSONSchemaProps {
  const desc = n.description as string | undefined;
  const nonNull = branches.filter((b) => b.type !== "null");
  const nullable = nonNull.length < branches.length || n.nullable === true;
  const base = (s: JSONSchemaProps): JSONSchemaProps => ({
    ...s,
    ...(desc ? { description: desc } : {}),
    ...("default" in n ? { default: n.default } : {}),
    ...(nullable ? { nullable: true } : {}),
  });
  if (nonNull.length === 1) return base(convert({ ...nonNull[0], ...(desc ? { description: desc } : {}) }, path, ctx));
  const lit = literalUnion(nonNull);
  if (lit) return base(lit);
  const types = new Set(nonNull.map(scalarType));
  if (types.size === 2 && types.has("integer") && types.has("string")) {
    if (nonNull.some((b) => b.pattern || b.minimum !== undefined && Math.abs(b.minimum) < SAFE_INT))
      ctx.losses.push({ path, what: "int-or-string", detail: "branch constraints (pattern, minimum) are checked by Impulse only" });
    return base({ "x-kubernetes-int-or-string": true });
  }
  // Object alternatives: every property of every branch, so that each is still typed (structural rule 2).
  if (nonNull.every((b) => b.type === "object" && b.properties)) {
    const properties: Json = {};
    for (const b of nonNull) Object.assign(properties, b.properties);
    return base(convert({ type: "object", properties }, path, ctx));
  }
  ctx.losses.push({ path, what: "open", detail: `union of ${[...types].map((t) => t ?? "object").join(" | ")}` });
  return base(open(undefined, false));
}

function convertObject(n: Json, path: string, ctx: Ctx): JSONSchemaProps {
  const out: JSONSchemaProps = { type: "object" };
  const props = n.properties as Json | undefined;
  const extra = n.additionalProperties as Json | boolean | undefined;
  const openExtra = extra === true || (typeof extra === "object" && Object.keys(extra).filter((k) => k !== "description").length === 0);
  if (n.propertyNames && Object.keys(n.propertyNames).some((k) => k !== "type"))
    ctx.losses.push({ path, what: "propertyNames", detail: "key pattern checked by Impulse only" });
  if (props && Object.keys(props).length) {
    out.properties = Object.fromEntries(Object.entries(props).map(([k, v]) => [k, convert(v, `${path}.${k}`, ctx)]));
    const req = ((n.required as string[] | undefined) ?? []).filter((k) => k in props);
    if (req.length) out.required = req;
    // properties and additionalProperties are mutually exclusive in a CRD; a typed catch-all becomes open.
    if (openExtra || typeof extra === "object") {
      if (!openExtra) ctx.losses.push({ path, what: "open", detail: "typed additionalProperties beside properties" });
      out["x-kubernetes-preserve-unknown-fields"] = true;
    }
  } else if (openExtra) {
    out["x-kubernetes-preserve-unknown-fields"] = true;
  } else if (typeof extra === "object") {
    out.additionalProperties = convert(extra, `${path}.*`, ctx);
  }
  // additionalProperties: false (strict objects) is not allowed beside properties: unknown fields are pruned by the
  // API server, and kubectl's strict field validation (the default) reports them.
  if (typeof n.minProperties === "number") out.minProperties = n.minProperties;
  if (typeof n.maxProperties === "number") out.maxProperties = n.maxProperties;
  return out;
}

function convertScalar(n: Json, path: string, ctx: Ctx): JSONSchemaProps {
  const out: JSONSchemaProps = { type: n.type };
  if (typeof n.format === "string") {
    if (FORMATS.has(n.format)) out.format = n.format;
    else ctx.losses.push({ path, what: "format", detail: `format ${n.format}` });
  }
  if (typeof n.pattern === "string" && !out.format) {
    if (NOT_RE2.test(n.pattern)) ctx.losses.push({ path, what: "pattern", detail: "not an RE2 pattern" });
    else out.pattern = n.pattern;
  }
  for (const k of ["minLength", "maxLength", "multipleOf"] as const) if (typeof n[k] === "number") out[k] = n[k];
  // zod's .int() adds ±MAX_SAFE_INTEGER bounds: noise in a CRD.
  if (typeof n.minimum === "number" && Math.abs(n.minimum) < SAFE_INT) out.minimum = n.minimum;
  if (typeof n.maximum === "number" && Math.abs(n.maximum) < SAFE_INT) out.maximum = n.maximum;
  // Draft 2020-12 writes exclusiveMinimum: <number>; OpenAPI v3.0 (and k8s) a boolean beside minimum.
  if (typeof n.exclusiveMinimum === "number") Object.assign(out, { minimum: n.exclusiveMinimum, exclusiveMinimum: true });
  else if (n.exclusiveMinimum === true && out.minimum !== undefined) out.exclusiveMinimum = true;
  if (typeof n.exclusiveMaximum === "number") Object.assign(out, { maximum: n.exclusiveMaximum, exclusiveMaximum: true });
  else if (n.exclusiveMaximum === true && out.maximum !== undefined) out.exclusiveMaximum = true;
  if (Array.isArray(n.enum)) out.enum = n.enum;
  else if ("const" in n) out.enum = [n.const];
  return out;
}

function convert(n: Json, path: string, ctx: Ctx): JSONSchemaProps {
  const desc = n.description as string | undefined;
  if (typeof n.$ref === "string") {
    const name = n.$ref.replace(/^#\/(definitions|\$defs)\//, "");
    const def = ctx.defs[name];
    if (!def) throw new Error(`${path}: unresolved $ref ${n.$ref}`);
    const { $ref: _ref, ...rest } = n;
    // A recursive type (Trigger.dlqTrigger) cannot be written out; one level stays open instead of typed forever.
    if (ctx.refs.includes(name)) {
      ctx.losses.push({ path, what: "cycle", detail: `recursive ${name}` });
      return ordered(open(desc ?? def.description, def.type === "object"));
    }
    ctx.refs.push(name);
    try {
      return convert({ ...def, ...rest }, path, ctx);
    } finally {
      ctx.refs.pop();
    }
  }
  if (Array.isArray(n.allOf)) {
    const { allOf, ...rest } = n;
    if (allOf.length === 1) return convert({ ...allOf[0], ...rest }, path, ctx);
    ctx.losses.push({ path, what: "open", detail: "intersection" });
    return ordered(open(desc, false));
  }
  // Draft 2020-12 writes simple unions as a list of types (["string", "null"]): the same as anyOf.
  const typeList = Array.isArray(n.type)
    ? (n.type as string[]).map((type) => {
        const { description: _d, default: _f, type: _t, ...rest } = n;
        return { ...rest, type };
      })
    : undefined;
  const branches = (typeList ?? n.anyOf ?? n.oneOf) as Json[] | undefined;
  let out: JSONSchemaProps;
  if (Array.isArray(branches)) out = convertUnion(n, branches, path, ctx);
  else if (n.type === "object") out = convertObject(n, path, ctx);
  else if (n.type === "array") {
    out = { type: "array", items: n.items && typeof n.items === "object" && !Array.isArray(n.items) ? convert(n.items, `${path}[]`, ctx) : open(undefined, false) };
    if (typeof n.minItems === "number") out.minItems = n.minItems;
    if (typeof n.maxItems === "number") out.maxItems = n.maxItems;
    // uniqueItems is forbidden in CRDs; a list-type set says the same for scalar items.
    if (n.uniqueItems === true && out.items?.type && out.items.type !== "object" && out.items.type !== "array") out["x-kubernetes-list-type"] = "set";
  } else if (typeof n.type === "string") out = convertScalar(n, path, ctx);
  else {
    // {} is z.unknown() or what zod could not represent (custom types).
    out = open(undefined, false);
  }
  if (desc) out.description = desc;
  if ("default" in n && n.default !== undefined) out.default = n.default;
  if (n.nullable === true) out.nullable = true;
  // kubectl explain prints a field's description and then its elements': an element's that only repeats it goes.
  if (out.description && out.items?.description && out.description.includes(out.items.description)) {
    const { description: _, ...items } = out.items;
    out.items = items;
  }
  if (out.description && out.additionalProperties?.description && out.description.includes(out.additionalProperties.description)) {
    const { description: _, ...values } = out.additionalProperties;
    out.additionalProperties = values;
  }
  // An array or map without a description of its own takes its elements' (moved, not copied: kubectl would print it twice).
  if (!out.description && out.type === "array" && out.items?.description) {
    const { description, ...items } = out.items;
    Object.assign(out, { description, items });
  }
  if (!out.description && out.type === "object" && out.additionalProperties?.description) {
    const { description, ...values } = out.additionalProperties;
    Object.assign(out, { description: `By name: ${description}`, additionalProperties: values });
  }
  return ordered(out);
}

/** Converts a zod schema (as users write it: the input side of transforms and defaults) into a structural schema. */
export function toStructural(schema: z.ZodType, path = ""): StructuralResult {
  const losses: Loss[] = [];
  const json = z.toJSONSchema(schema, {
    target: "draft-2020-12",
    io: "input",
    // z.date(), z.bigint(), custom types: any JSON in the CRD, and said so.
    unrepresentable: ({ path: p, message }) => {
      losses.push({ path: [path, ...p.filter((k) => k !== "properties")].join("."), what: "open", detail: message });
      return "any";
    },
    cycles: "ref",
    reused: "inline",
  }) as Json;
  const ctx: Ctx = { defs: { ...(json.definitions ?? {}), ...(json.$defs ?? {}) }, refs: [], losses };
  const { definitions: _d, $defs: _s, $schema: _x, ...root } = json;
  return { schema: convert(root, path, ctx), losses: ctx.losses };
}
