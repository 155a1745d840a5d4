// Resolves a TriggerParameter's value from the fired events, in Argo's order (key → value default).
import { ErrorCodes, eventContext, ImpulseError, type ImpulseEvent, type ParameterSource } from "@impulse/api";
import { getPath } from "@impulse/api";
import { renderOrUndefined } from "../template/index.js";

/** Events that fired a trigger, by dependency name. */
export type FiredEvents = Readonly<Record<string, ImpulseEvent>>;

/** A resolved value: `isString` values are set as strings; others keep their JSON type only with useRawData. */
export interface ParamValue {
  value: unknown;
  isString: boolean;
}

function fromKey(root: unknown, key: string): ParamValue | undefined {
  const r = getPath(root, key);
  if (!r.exists) return undefined;
  return { value: r.value, isString: typeof r.value === "string" };
}

/** Returns undefined when the parameter must be skipped (its dependency did not fire and it has no default). */
export function resolveParamValue(src: ParameterSource, events: FiredEvents): ParamValue | undefined {
  const literal = src.value !== undefined ? { value: src.value, isString: true } : undefined;
  const event = events[src.dependencyName];
  if (!event) return literal; // Argo panics here without a default; Impulse skips the parameter.
  const useData = src.dataKey !== undefined || src.dataTemplate !== undefined;
  const useContext = src.contextKey !== undefined || src.contextTemplate !== undefined;
  if (!useData && !useContext) {
    return literal ?? { value: { context: eventContext(event), data: event.data }, isString: false };
  }
  // Data selectors win over context selectors when both are given; a template wins over its key.
  const [input, template, key] = useData ? [event.data, src.dataTemplate, src.dataKey] : [eventContext(event), src.contextTemplate, src.contextKey];
  if (template !== undefined) {
    const out = renderOrUndefined(template, input);
    if (out !== undefined) return { value: out, isString: true };
  }
  if (key !== undefined) {
    const found = fromKey(input, key);
    if (found) return found;
  }
  if (literal) return literal;
  const what = [template !== undefined ? `${useData ? "dataTemplate" : "contextTemplate"} ${JSON.stringify(template)}` : "", key !== undefined ? `${useData ? "dataKey" : "contextKey"} ${key}` : ""]
    .filter(Boolean)
    .join(" and ");
  throw new ImpulseError(ErrorCodes.ParameterFailed, `${what} resolved to nothing in the event of dependency ${src.dependencyName} and no default value is set`);
}

/** What Argo's sjson.Set writes for a non-raw value: strings as-is, everything else as its JSON text. */
export function asStringValue(v: unknown): string {
  return typeof v === "string" ? v : JSON.stringify(v ?? null);
}
