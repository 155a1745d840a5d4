// What the custom trigger sends: the spec as YAML, the fetched resource with parameters applied, the payload bytes.
import { ErrorCodes, ImpulseError, type CustomTriggerTemplate } from "@impulse/api";
import { stringify } from "yaml";
import { applyParameters } from "../../params/apply.js";
import type { FiredEvents } from "../../params/resolve.js";

/** The `spec` map as FetchResource receives it: YAML with sorted keys, as Argo marshals it. */
export function specBytes(spec: CustomTriggerTemplate["spec"]): Buffer {
  return Buffer.from(stringify(spec, { sortMapEntries: true }), "utf8");
}

/**
 * Applies the trigger's own parameters to the fetched resource. Without parameters the bytes go back untouched (any
 * format); with them the resource must be a JSON object, as in Argo, and is re-encoded as JSON.
 */
export function resourceWithParameters(resource: Buffer, parameters: CustomTriggerTemplate["parameters"], events: FiredEvents): Buffer {
  if (!parameters?.length) return resource;
  let doc: unknown;
  try {
    doc = JSON.parse(resource.toString("utf8"));
  } catch (e) {
    throw new ImpulseError(ErrorCodes.ParameterFailed, `the resource FetchResource returned is not JSON, so template.custom.parameters cannot apply: ${(e as Error).message}`);
  }
  if (doc === null || typeof doc !== "object" || Array.isArray(doc))
    throw new ImpulseError(ErrorCodes.ParameterFailed, "the resource FetchResource returned is not a JSON object, so template.custom.parameters cannot apply");
  return Buffer.from(JSON.stringify(applyParameters(doc, parameters, events)), "utf8");
}

/** Execute's payload: the JSON built from `payload`, or nothing when the trigger has no payload list (as Argo sends). */
export function payloadBytes(hasPayloadList: boolean, payload: unknown): Buffer {
  return hasPayloadList ? Buffer.from(JSON.stringify(payload ?? {}), "utf8") : Buffer.alloc(0);
}
