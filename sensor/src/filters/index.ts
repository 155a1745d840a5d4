// Compiles a dependency's filters into one function, combined by filtersLogicalOperator.
import type { EventDependency, ImpulseEvent } from "@impulse/api";
import type { LuaScript } from "../script/sandbox.js";
import { compileContextFilter } from "./context.js";
import { compileDataFilters } from "./data.js";
import { compileTimeFilter } from "./time.js";
import { compileExprFilters } from "./exprs.js";
import { compileTransitions } from "./transitions.js";
import { PASS, type CompiledFilter, type FilterResult } from "./types.js";

export type { CompiledFilter, FilterResult } from "./types.js";

/** Sync for the common case; a Lua script filter makes it async. */
export type DependencyFilter = (event: ImpulseEvent) => FilterResult | Promise<FilterResult>;

/** Adds the Lua script filter (evaluated last, as in Argo) to the other filters' verdict. */
export function withScriptFilter(sync: CompiledFilter | undefined, script: LuaScript | undefined, any: boolean): DependencyFilter {
  if (!script) return sync ?? (() => PASS);
  const runScript = async (event: ImpulseEvent): Promise<FilterResult> => {
    if (event.data === null || event.data === undefined) return PASS; // as Argo: no data, nothing to judge
    try {
      const v = await script.run(event.data);
      return v === true ? PASS : { pass: false, reason: `script returned ${JSON.stringify(v ?? null)}, not true` };
    } catch (e) {
      return { pass: false, error: true, reason: `script failed: ${(e as Error).message}` };
    }
  };
  if (!sync) return runScript;
  return (event) => {
    const r = sync(event);
    if (!any && !r.pass) return r; // and: a failed filter decides
    if (any && r.pass) return PASS; // or: a passing filter decides
    return runScript(event).then((s) => (s.pass || !any ? s : { pass: false, reason: `${r.reason}; ${s.reason}`, ...(r.error || s.error ? { error: true } : {}) }));
  };
}

export function compileDependencyFilter(dep: EventDependency, at: string): CompiledFilter {
  return compileSyncFilters(dep, at) ?? (() => PASS);
}

/** The filters other than script, combined; undefined when none is specified. */
export function compileSyncFilters(dep: EventDependency, at: string, problems?: unknown[]): CompiledFilter | undefined {
  const f = dep.filters;
  if (!f) return undefined;
  // Argo's order: exprs, data, context, time, script. Only specified filters take part.
  const parts: CompiledFilter[] = [];
  // With `problems`, each kind's error is collected and the other kinds are still compiled (lint shows them all).
  const add = (compile: () => CompiledFilter) => {
    if (!problems) return parts.push(compile());
    try {
      parts.push(compile());
    } catch (e) {
      problems.push(e);
    }
  };
  if (f.exprs?.length) add(() => compileExprFilters(f.exprs!, f.exprLogicalOperator, `${at}.filters`));
  if (f.data?.length) add(() => compileDataFilters(f.data!, f.dataLogicalOperator, `${at}.filters`));
  if (f.context) add(() => compileContextFilter(f.context!));
  if (f.time) add(() => compileTimeFilter(f.time!, `${at}.filters.time`));
  // Impulse's own kind, after Argo's.
  if (f.transitions?.length) add(() => compileTransitions(f.transitions!, `${at}.filters`));
  if (parts.length === 0) return undefined;
  const any = dep.filtersLogicalOperator === "or";
  return (event) => {
    const reasons: string[] = [];
    let errored = false;
    for (const p of parts) {
      const r = p(event);
      if (r.pass && any) return PASS;
      if (!r.pass) {
        if (!any) return r;
        reasons.push(r.reason ?? "rejected");
        errored ||= r.error === true;
      }
    }
    return any ? { pass: false, reason: reasons.join("; "), ...(errored ? { error: true } : {}) } : PASS;
  };
}
