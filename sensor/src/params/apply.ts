// Applies parameters to a JSON document (trigger template or payload) with Argo's overwrite/append/prepend rules.
import { getPath, setPath, type TriggerParameter } from "@impulse/api";
import { asStringValue, resolveParamValue, type FiredEvents } from "./resolve.js";

/** Returns a new document; the input is not modified. */
export function applyParameters<T>(doc: T, params: readonly TriggerParameter[] | undefined, events: FiredEvents): T {
  if (!params?.length) return doc;
  return applyInPlace(structuredClone(doc), params, events);
}

/** Applies parameters to a document the caller owns (mutated and returned). */
function applyInPlace<T>(doc: T, params: readonly TriggerParameter[], events: FiredEvents): T {
  let out: unknown = doc;
  for (const p of params) {
    const resolved = resolveParamValue(p.src, events);
    if (!resolved) continue;
    let value: unknown = p.src.useRawData && !resolved.isString ? resolved.value : asStringValue(resolved.value);
    const op = p.operation || "overwrite";
    if (op !== "overwrite") {
      const existing = getPath(out, p.dest);
      if (existing.exists) {
        const a = asStringValue(existing.value);
        const b = asStringValue(value);
        value = op === "append" ? a + b : b + a;
      }
    }
    out = setPath(out, p.dest, value);
  }
  return out as T;
}

/** Builds a payload from nothing but parameters (an empty dest makes the value the whole body). */
export function buildPayload(params: readonly TriggerParameter[] | undefined, events: FiredEvents): unknown {
  return params?.length ? applyInPlace<unknown>({}, params, events) : {};
}
