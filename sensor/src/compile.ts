// Compiles a Sensor spec once at start: filters, dependencies per trigger, retry plans; errors name their path.
import { didYouMean, ErrorCodes, ImpulseError, type EventDependency, type Finding, type Sensor, type Trigger, type TriggerParameter } from "@impulse/api";
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
import { compileNotify, type CompiledNotify } from "./notify/compile.js";
import type { MessageCatalog } from "./notify/catalog.js";

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
  /** Where the trigger is in the Sensor (spec.triggers[0], or spec.triggers[0].dlqTrigger): errors at run time name fields from it. */
  at: string;
  /** Runs with the same events when this trigger failed for good (Argo's dlqTrigger). */
  dlq?: CompiledTrigger;
  /** Set when no parameter can change the kind's template: it is resolved once, here. */
  staticTemplate?: { template: unknown; payload: TriggerParameter[] | undefined };
  /** Impulse's notification options: a named message template, oncePer, subscriptions by annotation. */
  notify?: CompiledNotify;
}

export interface CompiledSensor {
  name: string;
  triggers: CompiledTrigger[];
}

function unsupported(at: string, what: string): never {
  throw new ImpulseError(ErrorCodes.UnsupportedFeature, `${at}: ${what} is not supported yet`);
}

/**
 * Checks each parameter's templates, dependency name and destination; every problem goes to `problems`. As in Argo,
 * an empty dest (the value becomes the whole body) is only meaningful in an HTTP trigger's payload.
 */
function checkParams(params: TriggerParameter[] | undefined, at: string, deps: Set<string>, problems: unknown[], allowEmptyDest = false): void {
  params?.forEach((p, i) => {
    if (p?.dest === "" && !allowEmptyDest)
      problems.push(new ImpulseError(ErrorCodes.InvalidSpec, `${at}[${i}].dest: must not be empty (an empty dest, the whole body, is only allowed in template.http.payload)`));
    if (!p?.src) return;
    for (const key of ["dataTemplate", "contextTemplate"] as const) {
      const tpl = p.src[key];
      if (tpl === undefined) continue;
      try {
        compileTemplate(tpl);
      } catch (e) {
        problems.push(new ImpulseError(ErrorCodes.InvalidSpec, `${at}[${i}].src.${key}: ${(e as Error).message}`));
      }
    }
    if (typeof p.src.dependencyName === "string" && !deps.has(p.src.dependencyName))
      problems.push(new ImpulseError(ErrorCodes.InvalidSpec, `${at}[${i}].src.dependencyName: unknown dependency "${p.src.dependencyName}"${didYouMean(p.src.dependencyName, deps)}`));
  });
}

/**
 * Compiles one trigger. Independent checks each report into `problems` and compilation goes on, so one run shows
 * every mistake; `declared` holds every dependency name written in the spec (even ones that did not compile).
 */
function compileTrigger(t: Trigger, at: string, deps: Map<string, CompiledDependency>, declared: string[], problems: unknown[], templates: MessageCatalog | undefined): CompiledTrigger {
  const kind = [...triggerDefinitions.keys()].find((k) => (t.template as Record<string, unknown> | undefined)?.[k] !== undefined);
  if (!kind) throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.template: no trigger kind`);
  const soft = <T>(fn: () => T, fallback: T): T => {
    try {
      return fn();
    } catch (e) {
      problems.push(e);
      return fallback;
    }
  };
  const definition = triggerDefinitions.get(kind)!;
  if (t.dlqTrigger?.dlqTrigger) problems.push(new ImpulseError(ErrorCodes.InvalidSpec, `${at}.dlqTrigger.dlqTrigger: a dead-letter trigger cannot have its own dlqTrigger`));
  // Argo's rules: only an at-least-once firing can be dead-lettered, and the dead-letter trigger must be at-least-once too.
  if (t.dlqTrigger && t.atLeastOnce === false) problems.push(new ImpulseError(ErrorCodes.InvalidSpec, `${at}.atLeastOnce: must not be false with a dlqTrigger (a fire-and-forget firing is acknowledged before it runs: its dead letter could be lost)`));
  if (t.dlqTrigger?.atLeastOnce === false) problems.push(new ImpulseError(ErrorCodes.InvalidSpec, `${at}.dlqTrigger.atLeastOnce: must not be false (a dead-letter trigger always runs at least once; the setting would be ignored)`));
  (t.template.conditionsReset ?? []).forEach((r, i) => {
    if (r && !r.byTime) problems.push(new ImpulseError(ErrorCodes.InvalidSpec, `${at}.template.conditionsReset[${i}]: needs byTime (the only kind of reset)`));
  });
  const resets = (t.template.conditionsReset ?? []).flatMap((r, i) => (r?.byTime ? soft(() => [compileReset(r.byTime!, `${at}.template.conditionsReset[${i}].byTime`)], []) : []));
  const kindTemplate = (t.template as unknown as Record<string, Record<string, unknown>>)[kind]!;
  if (kindTemplate["tls"] && !definition.supportsTls) soft(() => unsupported(`${at}.template.${kind}.tls`, "trigger TLS settings"), undefined);
  const depNames = new Set(declared);
  checkParams(t.parameters, `${at}.parameters`, depNames, problems);
  for (const list of ["parameters", "payload", "dynamicHeaders"])
    checkParams(kindTemplate[list] as TriggerParameter[] | undefined, `${at}.template.${kind}.${list}`, depNames, problems, kind === "http" && list === "payload");
  const condition = t.template.conditions?.trim() ? soft(() => parseConditions(t.template.conditions!, declared, `${at}.template`), allOf(declared)) : allOf(declared);
  const names = dependencyNames(condition).filter((n) => deps.has(n));
  const { parameters, payload, dynamicHeaders, ...rest } = kindTemplate;
  // Resource parameters are applied by the trigger at each firing: they never make the template dynamic.
  const own = definition.resourceParameters === true;
  const isStatic = !t.parameters?.length && (own || !(parameters as unknown[] | undefined)?.length) && !(dynamicHeaders as unknown[] | undefined)?.length;
  const staticKindTemplate = own && parameters !== undefined ? { ...rest, parameters } : rest;
  const notify = compileNotify(t, kind, at, declared, templates, problems);
  const dlq = t.dlqTrigger ? soft(() => compileTrigger(t.dlqTrigger!, `${at}.dlqTrigger`, deps, declared, problems, templates), undefined) : undefined;
  return {
    ...(isStatic ? { staticTemplate: { template: staticKindTemplate, payload: payload as TriggerParameter[] | undefined } } : {}),
    name: t.template.name,
    at,
    kind,
    definition,
    spec: t,
    dependencies: names.map((n) => deps.get(n)!),
    condition,
    stateful: needsState(condition),
    resets,
    specHash: conditionSpecHash(t.template.conditions?.trim() ?? "", names.map((n) => deps.get(n)!.spec)),
    retry: soft(() => retryPlan(t.retryStrategy), retryPlan(undefined)),
    atLeastOnce: t.atLeastOnce !== false,
    ...(dlq ? { dlq } : {}),
    ...(notify ? { notify } : {}),
  };
}

export interface CompileOptions {
  /**
   * The sensor is the valid part of a spec that has schema errors (lint): missing elements are skipped, and only
   * errors that name a spec path are reported (others are consequences of the parts left out).
   */
  partial?: boolean;
  /**
   * The message templates triggers may name (messageTemplate). Undefined: not known here, references are not checked
   * (the runtime and lint pass the catalog they have, possibly empty).
   */
  templates?: MessageCatalog | undefined;
}

/** Compiles what can be compiled and reports every problem, so lint shows them all at once. */
export function compileSensor(sensor: Sensor, options: CompileOptions = {}): { sensor?: CompiledSensor; errors: Finding[]; scripts: CompiledDependency["scripts"] } {
  const errors: Finding[] = [];
  const record = (e: unknown) => {
    const msg = (e as Error).message;
    const i = msg.indexOf(": ");
    if (i > 0 && msg.startsWith("spec.")) errors.push({ path: msg.slice(0, i), message: msg.slice(i + 2) });
    else if (!options.partial) errors.push({ path: "spec", message: msg });
  };
  const deps = new Map<string, CompiledDependency>();
  const declared = (sensor.spec.dependencies ?? []).flatMap((d) => (typeof d?.name === "string" ? [d.name] : []));
  /** Every Lua/jq program that compiled, even in a dependency with other errors: lint checks them all. */
  const scripts: CompiledDependency["scripts"] = [];
  (sensor.spec.dependencies ?? []).forEach((d, i) => {
    if (!d) return;
    const at = `spec.dependencies[${i}]`;
    const problems: unknown[] = [];
    const soft = <T>(fn: () => T, fallback: T): T => {
      try {
        return fn();
      } catch (e) {
        problems.push(e);
        return fallback;
      }
    };
    if (d.transform?.jq && d.transform.script) problems.push(new ImpulseError(ErrorCodes.InvalidSpec, `${at}.transform: set jq or script, not both`));
    const script = d.filters?.script ? soft(() => new LuaScript(d.filters!.script!), undefined) : undefined;
    const { transform, program } = soft(() => compileTransform(d), {});
    const own = [...(script ? [{ at: `${at}.filters.script`, script }] : []), ...(program ? [{ at: `${at}.transform.${d.transform?.jq ? "jq" : "script"}`, script: program }] : [])];
    scripts.push(...own);
    const sync = compileSyncFilters(d, at, problems);
    if (problems.length) return problems.forEach(record);
    deps.set(d.name, {
      name: d.name,
      spec: d,
      eventSourceName: d.eventSourceName,
      eventName: d.eventName,
      filter: withScriptFilter(sync, script, d.filtersLogicalOperator === "or"),
      transform,
      scripts: own,
    });
  });
  const triggers: CompiledTrigger[] = [];
  (sensor.spec.triggers ?? []).forEach((t, i) => {
    if (!t) return;
    const problems: unknown[] = [];
    try {
      triggers.push(compileTrigger(t, `spec.triggers[${i}]`, deps, declared, problems, options.templates));
    } catch (e) {
      record(e);
    }
    problems.forEach(record);
  });
  // A dependency whose name was refused by the schema makes every reference to it look unknown: not news.
  const namesIncomplete = (sensor.spec.dependencies ?? []).some((d) => typeof d?.name !== "string");
  if (options.partial && namesIncomplete) errors.splice(0, errors.length, ...errors.filter((e) => !e.message.startsWith("unknown dependency ")));
  return errors.length || options.partial ? { errors, scripts } : { sensor: { name: sensor.metadata.name, triggers }, errors, scripts };
}

/** Lua syntax is checked when the sensor starts (the VM is async); each error names its spec path. */
export async function checkScripts(sensor: CompiledSensor | CompiledDependency["scripts"]): Promise<string[]> {
  const scripts = Array.isArray(sensor) ? sensor : [...new Map(sensor.triggers.flatMap((t) => t.dependencies).map((d) => [d.name, d])).values()].flatMap((d) => d.scripts);
  const errors: string[] = [];
  for (const { at, script } of scripts) {
    const err = await script.syntaxError();
    if (err) errors.push(`${at}: ${err}`);
  }
  return errors;
}
