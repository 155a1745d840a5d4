// `impulse sensor test`: applies events to a compiled sensor in memory and explains each decision; fires nothing.
import { errorMessage, type ImpulseEvent, type TriggerParameter } from "@impulse/api";
import type { CompiledSensor, CompiledTrigger } from "./compile.js";
import { evaluate } from "./conditions/parse.js";
import { applyParameters, buildPayload } from "./params/apply.js";
import type { FiredEvents } from "./params/resolve.js";
import { applyTransform } from "./transform.js";

export interface DependencyVerdict {
  name: string;
  matched: boolean;
  reason: string;
  error: string | null;
}

export interface TriggerVerdict {
  name: string;
  fired: boolean;
  reason: string;
  resolved: { template: unknown; payload: unknown; resource: unknown };
}

export interface DryRunStep {
  event: { id: string; source: string; subject: string };
  dependencies: DependencyVerdict[];
  triggers: TriggerVerdict[];
}

const NOTHING = { template: null, payload: null, resource: null };

function resolve(t: CompiledTrigger, events: FiredEvents): TriggerVerdict["resolved"] {
  const template = applyParameters(t.spec.template, t.spec.parameters, events) as unknown as Record<string, Record<string, unknown>>;
  const kindTemplate = template[t.kind] ?? {};
  // Resource parameters (k8s) change the object, not the template: the definition previews that object.
  const withParams = t.definition.resourceParameters ? kindTemplate : applyParameters(kindTemplate, kindTemplate["parameters"] as TriggerParameter[] | undefined, events);
  const resolvedTemplate = { ...template, [t.kind]: withParams };
  const payload = t.definition.hasPayload ? buildPayload(withParams["payload"] as TriggerParameter[] | undefined, events) : null;
  return { template: resolvedTemplate, payload, resource: t.definition.previewResource?.(withParams, events) ?? null };
}

/** Evaluates events in order against one in-memory state; conditions accumulate across events as at run time. */
export async function dryRun(sensor: CompiledSensor, events: ImpulseEvent[]): Promise<DryRunStep[]> {
  const state = new Map<string, Map<string, ImpulseEvent>>(sensor.triggers.map((t) => [t.name, new Map()]));
  const allDeps = new Map(sensor.triggers.flatMap((t) => t.dependencies).map((d) => [d.name, d]));
  const steps: DryRunStep[] = [];
  for (const event of events) {
    const verdicts = new Map<string, DependencyVerdict>();
    /** The event each matched dependency saw (after its transform). */
    const seenBy = new Map<string, ImpulseEvent>();
    for (const dep of allDeps.values()) {
      if (dep.eventSourceName !== event.source || dep.eventName !== event.subject) continue;
      const seen = await applyTransform(dep, event);
      if ("failed" in seen) {
        verdicts.set(dep.name, { name: dep.name, matched: false, reason: seen.failed, error: seen.failed });
        continue;
      }
      seenBy.set(dep.name, seen.event);
      const r = await dep.filter(seen.event);
      verdicts.set(dep.name, {
        name: dep.name,
        matched: r.pass,
        reason: r.pass ? "all filters passed" : (r.reason ?? "rejected"),
        error: !r.pass && r.error ? (r.reason ?? "filter error") : null,
      });
    }
    const triggers = sensor.triggers.map((t): TriggerVerdict => {
      const mine = t.dependencies.filter((d) => verdicts.get(d.name)?.matched);
      const saved = state.get(t.name)!;
      if (mine.length === 0) {
        const seen = t.dependencies.some((d) => verdicts.has(d.name));
        return { name: t.name, fired: false, reason: seen ? "its dependencies' filters rejected the event" : "the event matches none of its dependencies", resolved: NOTHING };
      }
      for (const d of mine) saved.set(d.name, seenBy.get(d.name)!);
      const have = new Set(saved.keys());
      if (!evaluate(t.condition, have)) {
        const missing = t.dependencies.map((d) => d.name).filter((n) => !have.has(n));
        return { name: t.name, fired: false, reason: `condition not satisfied yet: have ${[...have].join(", ")}; waiting for ${missing.join(" or ")}`, resolved: NOTHING };
      }
      const fired: FiredEvents = t.stateful ? Object.fromEntries(saved) : Object.fromEntries(mine.map((d) => [d.name, seenBy.get(d.name)!]));
      saved.clear();
      try {
        return { name: t.name, fired: true, reason: `condition satisfied by ${Object.keys(fired).join(", ")}`, resolved: resolve(t, fired) };
      } catch (e) {
        return { name: t.name, fired: true, reason: `condition satisfied, but resolving the trigger failed: ${errorMessage(e)}`, resolved: NOTHING };
      }
    });
    steps.push({ event: { id: event.id, source: event.source, subject: event.subject }, dependencies: [...verdicts.values()], triggers });
  }
  return steps;
}

