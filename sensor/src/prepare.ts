// Resolves what one firing sends: the kind's template after parameters, then the named message template and the recipient.
import { ErrorCodes, errorMessage, ImpulseError, type TriggerParameter } from "@impulse/api";
import type { CompiledTrigger } from "./compile.js";
import { notificationData, renderMessage, withRecipient } from "./notify/render.js";
import { applyParameters, buildPayload } from "./params/apply.js";
import type { FiredEvents } from "./params/resolve.js";

/** The kind's template for these events, with the named message template rendered and the subscriber set as recipient. */
export function prepare(t: CompiledTrigger, events: FiredEvents, recipient: string | undefined): { template: unknown; payload: unknown } {
  const base = withParameters(t, events);
  const n = t.notify;
  if (!n?.message && recipient === undefined) return base;
  let template = base.template as Record<string, unknown>;
  let payload = base.payload;
  if (n?.message) ({ template, payload } = renderMessage(n.message.name, n.message.compiled, t.kind, template, payload, notificationData(events, recipient)));
  if (recipient !== undefined) template = withRecipient(t.kind, template, recipient);
  return { template, payload };
}

/** Resolves the kind's template for these events; a parameter problem is not retryable. */
function withParameters(t: CompiledTrigger, events: FiredEvents): { template: unknown; payload: unknown } {
  try {
    if (t.staticTemplate) {
      // No parameter can change the template: skip the clone and re-validation (the common case).
      const payload = t.definition.hasPayload ? buildPayload(t.staticTemplate.payload, events) : undefined;
      return { template: t.staticTemplate.template, payload };
    }
    const whole = applyParameters(t.spec.template, t.spec.parameters, events) as unknown as Record<string, Record<string, unknown>>;
    const { parameters, payload, dynamicHeaders, ...rest } = whole[t.kind] ?? {};
    const withParams = (
      t.definition.resourceParameters
        ? { ...rest, ...(parameters !== undefined ? { parameters } : {}) }
        : applyParameters(rest, parameters as TriggerParameter[] | undefined, events)
    ) as Record<string, unknown>;
    if (dynamicHeaders) {
      const dyn = applyParameters({}, dynamicHeaders as TriggerParameter[], events) as Record<string, unknown>;
      withParams["headers"] = { ...(withParams["headers"] as object), ...Object.fromEntries(Object.entries(dyn).map(([k, v]) => [k, String(v)])) };
    }
    const parsed = t.definition.templateSchema.safeParse(withParams);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ImpulseError(ErrorCodes.ParameterFailed, `template.${t.kind}.${issue.path.join(".")} after parameters: ${issue.message}`);
    }
    return { template: parsed.data, payload: t.definition.hasPayload ? buildPayload(payload as TriggerParameter[] | undefined, events) : undefined };
  } catch (e) {
    if (e instanceof ImpulseError) throw e;
    throw new ImpulseError(ErrorCodes.ParameterFailed, errorMessage(e));
  }
}
