// One firing of a trigger: parameters → typed template → payload → execute with retries → policy.
import { createHash } from "node:crypto";
import { ErrorCodes, errorMessage, ImpulseError, type TriggerParameter } from "@impulse/api";
import type { Logger } from "pino";
import type { CompiledTrigger } from "./compile.js";
import { withRetry } from "./delivery/retry.js";
import type { TriggerMeters } from "./metrics.js";
import { applyParameters, buildPayload } from "./params/apply.js";
import type { FiredEvents } from "./params/resolve.js";
import type { TriggerExecutor } from "./triggers/define.js";

export function idempotencyKey(sensor: string, trigger: string, events: FiredEvents): string {
  const ids = Object.entries(events)
    .map(([dep, e]) => `${dep}=${e.id}`)
    .sort();
  return createHash("sha256").update([sensor, trigger, ...ids].join("\n")).digest("hex").slice(0, 32);
}

/** Resolves the kind's template for these events; a parameter problem is not retryable. */
function prepare(t: CompiledTrigger, events: FiredEvents): { template: unknown; payload: unknown } {
  try {
    if (t.staticTemplate) {
      // No parameter can change the template: skip the clone and re-validation (the common case).
      const payload = t.definition.hasPayload ? buildPayload(t.staticTemplate.payload, events) : undefined;
      return { template: t.staticTemplate.template, payload };
    }
    const whole = applyParameters(t.spec.template, t.spec.parameters, events) as unknown as Record<string, Record<string, unknown>>;
    const { parameters, payload, dynamicHeaders, ...rest } = whole[t.kind] ?? {};
    const withParams = applyParameters(rest, parameters as TriggerParameter[] | undefined, events) as Record<string, unknown>;
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

export interface FireOptions {
  sensorName: string;
  trigger: CompiledTrigger;
  executor: TriggerExecutor<unknown, unknown>;
  events: FiredEvents;
  /** How often the bus has delivered this event (above 1 after a restart or a redelivery). */
  deliveryCount: number;
  meters: TriggerMeters;
  logger: Logger;
  signal: AbortSignal;
}

/** Resolves true when the trigger succeeded, false when it failed for good (logged and counted); throws only on shutdown. */
export async function fire(o: FireOptions): Promise<boolean> {
  const key = idempotencyKey(o.sensorName, o.trigger.name, o.events);
  const ids = Object.values(o.events).map((e) => e.id);
  // Bindings on every line about this firing; a child logger only when something actually logs (hot path).
  const bind = { eventId: ids[0], eventIds: ids, deliveryCount: o.deliveryCount, idempotencyKey: key };
  let child: Logger | undefined;
  const log = { get logger() { return (child ??= o.logger.child(bind)); } };
  try {
    const { template, payload } = prepare(o.trigger, o.events);
    const result = await withRetry(
      o.trigger.retry,
      o.signal,
      async () => {
        const end = o.meters.duration.startTimer();
        try {
          const r = await o.executor.execute(
            { template, payload, events: o.events, idempotencyKey: key, get logger() { return log.logger; } },
            o.signal,
          );
          o.trigger.definition.applyPolicy(r, o.trigger.spec.policy);
          return r;
        } finally {
          end();
        }
      },
      ({ attempt, error, nextDelayMs }) => {
        o.meters.retries.inc();
        log.logger.warn({ attempt, err: errorMessage(error), retryInMs: Math.round(nextDelayMs) }, "trigger attempt failed; retrying");
      },
    );
    o.meters.fired.inc();
    if (o.logger.isLevelEnabled("debug")) log.logger.debug({ result: o.trigger.definition.describe(result) }, "trigger succeeded");
    return true;
  } catch (e) {
    if (o.signal.aborted) throw e; // shutting down: leave the event unacknowledged so it is redelivered
    o.meters.failed.inc();
    const code = e instanceof ImpulseError ? e.code : ErrorCodes.TriggerFailed;
    log.logger.error({ code, err: errorMessage(e), attempts: o.trigger.retry.steps }, "trigger failed; event given up after the last attempt");
    return false;
  }
}

