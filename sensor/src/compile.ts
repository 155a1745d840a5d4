// Compiles a Sensor spec once at start: filters, dependencies per trigger, retry plans; errors name their path.
import { ErrorCodes, ImpulseError, type EventDependency, type Finding, type Sensor, type Trigger, type TriggerParameter } from "@impulse/api";
import { allOf, dependencyNames, needsState, parseConditions, type Condition } from "./conditions/parse.js";
import { conditionSpecHash } from "./conditions/state.js";
import { compileReset, type ConditionsReset } from "./conditions/reset.js";
import { retryPlan, type RetryPlan } from "./delivery/retry.js";
import { compileSyncFilters, withScriptFilter, type DependencyFilter } from "./filters/index.js";
import { LuaScript, type SandboxedScript } from "./script/sandbox.js";
import { compileTransform, type Transform } from "./transform.js";
import type { TriggerDefinition } from "./triggers/define.js";
import { triggerDefinitions } from "./triggers/index.js";
import { compileTemplate } from "./template/index.js";

export interface CompiledDependency {
  name: string;
  /** The dependency as written, for the condition-state hash. */
  spec: EventDependency;
  eventSourceName: string;
  eventName: string;
  filter: DependencyFilter;
  /** Runs before the filters; its output replaces the event data (Argo's transform). */
  transform?: Transform | undefined;
  /** Lua scripts to syntax-check when the sensor starts, with their spec paths. */
  scripts: { at: string; script: SandboxedScript }[];
}

export interface CompiledTrigger {
  name: string;
  kind: string;
  definition: TriggerDefinition;
  spec: Trigger;
  dependencies: CompiledDependency[];
  condition: Condition;
  /** The condition needs several events at once: partial state is kept in the bus KV. */
  stateful: boolean;
  /** conditionsReset schedules (only meaningful for stateful triggers). */
  resets: ConditionsReset[];
  /** Identifies condition + dependencies; saved state from another spec is purged. */
  specHash: string;
  retry: RetryPlan;
  /** false only when the user explicitly asked for fire-and-forget. */
  atLeastOnce: boolean;
  /** Runs with the same events when this trigger failed for good (Argo's dlqTrigger). */
  dlq?: CompiledTrigger;
  /** Set when no parameter can change the kind's template: it is resolved once, here. */
  staticTemplate?: { template: unknown; payload: TriggerParameter[] | undefined };
}

export interface CompiledSensor {
  name: string;
  triggers: CompiledTrigger[];
}

function unsupported(at: string, what: string): never {
  throw new ImpulseError(ErrorCodes.UnsupportedFeature, `${at}: ${what} is not supported yet`);
}

function checkParams(params: TriggerParameter[] | undefined, at: string, deps: Set<string>): void {
  params?.forEach((p, i) => {
    for (const key of ["dataTemplate", "contextTemplate"] as const) {
      const tpl = p.src[key];
      if (tpl === undefined) continue;
      try {
        compileTemplate(tpl);
      } catch (e) {
        throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}[${i}].src.${key}: ${(e as Error).message}`);
      }
    }
    if (!deps.has(p.src.dependencyName)) throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}[${i}].src.dependencyName: unknown dependency "${p.src.dependencyName}"`);
  });
}

function compileTrigger(t: Trigger, at: string, deps: Map<string, CompiledDependency>): CompiledTrigger {
  const kind = [...triggerDefinitions.keys()].find((k) => (t.template as Record<string, unknown>)[k] !== undefined);
  if (!kind) throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.template: no trigger kind`);
  const definition = triggerDefinitions.get(kind)!;
  if (t.dlqTrigger?.dlqTrigger) throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.dlqTrigger.dlqTrigger: a dead-letter trigger cannot have its own dlqTrigger`);
  const resets = (t.template.conditionsReset ?? []).flatMap((r, i) => (r.byTime ? [compileReset(r.byTime, `${at}.template.conditionsReset[${i}].byTime`)] : []));
  const kindTemplate = (t.template as unknown as Record<string, Record<string, unknown>>)[kind]!;
  if (kindTemplate["tls"] && !definition.supportsTls) unsupported(`${at}.template.${kind}.tls`, "trigger TLS settings");
  const depNames = new Set(deps.keys());
  checkParams(t.parameters, `${at}.parameters`, depNames);
  checkParams(kindTemplate["parameters"] as TriggerParameter[] | undefined, `${at}.template.${kind}.parameters`, depNames);
  checkParams(kindTemplate["payload"] as TriggerParameter[] | undefined, `${at}.template.${kind}.payload`, depNames);
  checkParams(kindTemplate["dynamicHeaders"] as TriggerParameter[] | undefined, `${at}.template.${kind}.dynamicHeaders`, depNames);
  const condition = t.template.conditions?.trim() ? parseConditions(t.template.conditions, [...deps.keys()], `${at}.template`) : allOf([...deps.keys()]);
  const names = dependencyNames(condition);
  const { parameters, payload, dynamicHeaders, ...rest } = kindTemplate;
  // Resource parameters are applied by the trigger at each firing: they never make the template dynamic.
  const own = definition.resourceParameters === true;
  const isStatic = !t.parameters?.length && (own || !(parameters as unknown[] | undefined)?.length) && !(dynamicHeaders as unknown[] | undefined)?.length;
  const staticKindTemplate = own && parameters !== undefined ? { ...rest, parameters } : rest;
  return {
    ...(isStatic ? { staticTemplate: { template: staticKindTemplate, payload: payload as TriggerParameter[] | undefined } } : {}),
    name: t.template.name,
    kind,
    definition,
    spec: t,
    dependencies: names.map((n) => deps.get(n)!),
    condition,
    stateful: needsState(condition),
    resets,
    specHash: conditionSpecHash(t.template.conditions?.trim() ?? "", names.map((n) => deps.get(n)!.spec)),
    retry: retryPlan(t.retryStrategy),
    atLeastOnce: t.atLeastOnce !== false,
    ...(t.dlqTrigger ? { dlq: compileTrigger(t.dlqTrigger, `${at}.dlqTrigger`, deps) } : {}),
  };
}

/** Compiles what can be compiled and reports every problem, so lint shows them all at once. */
export function compileSensor(sensor: Sensor): { sensor?: CompiledSensor; errors: Finding[] } {
  const errors: Finding[] = [];
  const record = (e: unknown) => {
    const msg = (e as Error).message;
    const i = msg.indexOf(": ");
    errors.push(i > 0 && msg.startsWith("spec.") ? { path: msg.slice(0, i), message: msg.slice(i + 2) } : { path: "spec", message: msg });
  };
  const deps = new Map<string, CompiledDependency>();
  sensor.spec.dependencies.forEach((d, i) => {
    try {
      const at = `spec.dependencies[${i}]`;
      if (d.transform?.jq && d.transform.script) throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.transform: set jq or script, not both`);
      const script = d.filters?.script ? new LuaScript(d.filters.script) : undefined;
      const { transform, program } = compileTransform(d);
      deps.set(d.name, {
        name: d.name,
        spec: d,
        eventSourceName: d.eventSourceName,
        eventName: d.eventName,
        filter: withScriptFilter(compileSyncFilters(d, at), script, d.filtersLogicalOperator === "or"),
        transform,
        scripts: [...(script ? [{ at: `${at}.filters.script`, script }] : []), ...(program ? [{ at: `${at}.transform.${d.transform?.jq ? "jq" : "script"}`, script: program }] : [])],
      });
    } catch (e) {
      record(e);
    }
  });
  const triggers: CompiledTrigger[] = [];
  sensor.spec.triggers.forEach((t, i) => {
    try {
      triggers.push(compileTrigger(t, `spec.triggers[${i}]`, deps));
    } catch (e) {
      record(e);
    }
  });
  return errors.length ? { errors } : { sensor: { name: sensor.metadata.name, triggers }, errors };
}

/** Lua syntax is checked when the sensor starts (the VM is async); each error names its spec path. */
export async function checkScripts(sensor: CompiledSensor): Promise<string[]> {
  const deps = new Map(sensor.triggers.flatMap((t) => t.dependencies).map((d) => [d.name, d]));
  const errors: string[] = [];
  for (const d of deps.values())
    for (const { at, script } of d.scripts) {
      const err = await script.syntaxError();
      if (err) errors.push(`${at}: ${err}`);
    }
  return errors;
}
