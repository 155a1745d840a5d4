// Compiles a dependency's filters into one function, combined by filtersLogicalOperator.
import { ErrorCodes, ImpulseError, type EventDependency } from "@impulse/api";
import { compileContextFilter } from "./context.js";
import { compileDataFilters } from "./data.js";
import { compileTimeFilter } from "./time.js";
import { compileExprFilters } from "./exprs.js";
import { PASS, type CompiledFilter } from "./types.js";

export type { CompiledFilter, FilterResult } from "./types.js";

export function compileDependencyFilter(dep: EventDependency, at: string): CompiledFilter {
  const f = dep.filters;
  if (dep.transform) throw new ImpulseError(ErrorCodes.UnsupportedFeature, `${at}.transform: transforms are not supported yet`);
  if (!f) return () => PASS;
  for (const kind of ["script"] as const)
    if (f[kind] !== undefined) throw new ImpulseError(ErrorCodes.UnsupportedFeature, `${at}.filters.${kind}: ${kind} filters are not supported yet`);
  // Argo's order: exprs, data, context, time, script. Only specified filters take part.
  const parts: CompiledFilter[] = [];
  if (f.exprs?.length) parts.push(compileExprFilters(f.exprs, f.exprLogicalOperator, `${at}.filters`));
  if (f.data?.length) parts.push(compileDataFilters(f.data, f.dataLogicalOperator, `${at}.filters`));
  if (f.context) parts.push(compileContextFilter(f.context));
  if (f.time) parts.push(compileTimeFilter(f.time, `${at}.filters.time`));
  if (parts.length === 0) return () => PASS;
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
