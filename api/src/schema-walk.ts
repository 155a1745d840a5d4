// Walks zod schemas by path: the fields known at a path (for "did you mean"), and a best-effort parse of a
// document with errors (so lint can run its deeper checks on every part that is valid, in the same run).
import type { z } from "zod";

interface Def {
  type: string;
  shape?: Record<string, z.ZodType>;
  innerType?: z.ZodType;
  element?: z.ZodType;
  valueType?: z.ZodType;
  in?: z.ZodType;
  out?: z.ZodType;
  options?: z.ZodType[];
  getter?: () => z.ZodType;
  left?: z.ZodType;
  right?: z.ZodType;
}

const def = (s: z.ZodType): Def => (s as unknown as { _zod: { def: Def } })._zod.def;
const WRAPPERS = new Set(["optional", "nullable", "default", "prefault", "readonly", "catch", "nonoptional"]);

/** The schema with optional/default/lazy/pipe wrappers removed. */
function unwrap(s: z.ZodType): z.ZodType {
  for (let i = 0; i < 20; i++) {
    const d = def(s);
    if (WRAPPERS.has(d.type) && d.innerType) s = d.innerType;
    else if (d.type === "lazy" && d.getter) s = d.getter();
    // A pipe into a schema (preprocess) has its fields on the out side; a pipe into a transform, on the in side.
    else if (d.type === "pipe" && d.out && def(d.out).type !== "transform") s = d.out;
    else if (d.type === "pipe" && d.in) s = d.in;
    else break;
  }
  return s;
}

/** The object schemas a value at `path` may match (several for unions). */
export function schemasAt(schema: z.ZodType, path: readonly PropertyKey[]): z.ZodType[] {
  let current = [unwrap(schema)];
  for (const seg of path) {
    const next: z.ZodType[] = [];
    for (const s of current) {
      const d = def(s);
      if (d.type === "object" && typeof seg === "string" && d.shape?.[seg]) next.push(unwrap(d.shape[seg]));
      else if (d.type === "array" && typeof seg === "number" && d.element) next.push(unwrap(d.element));
      else if (d.type === "record" && d.valueType) next.push(unwrap(d.valueType));
      else if (d.type === "union" && d.options) next.push(...d.options.flatMap((o) => schemasAt(o, [seg])));
      else if (d.type === "intersection" && d.left && d.right) next.push(...schemasAt(d.left, [seg]), ...schemasAt(d.right, [seg]));
    }
    current = next;
  }
  return current.flatMap((s) => (def(s).type === "union" ? def(s).options!.map(unwrap) : [s]));
}

/** Field names an object at `path` may have. */
export function knownFields(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  return [...new Set(schemasAt(schema, path).flatMap((s) => Object.keys(def(s).shape ?? {})))];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Best-effort parse: the schema's output where the value is valid; otherwise, for objects, the valid fields only
 * (an invalid field is left out), for records the entries that salvage, and for arrays every element salvaged in
 * place (one that cannot be is `undefined`, so indexes and the paths built from them stay right). Refinements of a
 * salvaged object are skipped.
 */
export function salvage(schema: z.ZodType, value: unknown): { ok: true; value: unknown } | { ok: false } {
  const r = schema.safeParse(value);
  if (r.success) return { ok: true, value: r.data };
  const s = unwrap(schema);
  const d = def(s);
  if (value === undefined) return { ok: false };
  if (d.type === "object" && isObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, field] of Object.entries(d.shape ?? {})) {
      const f = salvage(field, value[k]);
      if (f.ok && f.value !== undefined) out[k] = f.value;
    }
    return { ok: true, value: out };
  }
  if (d.type === "record" && isObject(value) && d.valueType) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const e = salvage(d.valueType, v);
      if (e.ok) out[k] = e.value;
    }
    return { ok: true, value: out };
  }
  if (d.type === "array" && Array.isArray(value) && d.element) {
    const element = d.element;
    return { ok: true, value: value.map((v) => { const e = salvage(element, v); return e.ok ? e.value : undefined; }) };
  }
  return { ok: false };
}
