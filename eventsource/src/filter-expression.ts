// An EventSource's `filter.expression` (Argo's antonmedv/expr filter): events for which it is false are not published.
import { evaluateExpr, getPath, parseExpression, type ExprVariables } from "@impulse/api";

export type EventFilter = (data: unknown) => { pass: true } | { pass: false; reason: string; error?: true };

/**
 * Names are paths into the event's data (`body.id`, `header.X-Token`). As in Argo, a top-level key's '-' may be
 * written '_' (`x_request_id` finds `x-request-id`), since '-' would read as minus.
 */
function dataVariables(data: unknown): ExprVariables {
  const resolve = (name: string) => {
    if (data === null || typeof data !== "object") return getPath(data, name);
    const dot = name.indexOf(".");
    const head = dot < 0 ? name : name.slice(0, dot);
    const key = head in data ? head : Object.keys(data).find((k) => k.replace(/-/g, "_") === head);
    if (key === undefined) return { exists: false as const };
    const top = (data as Record<string, unknown>)[key];
    return dot < 0 ? { exists: true as const, value: top } : getPath(top, name.slice(dot + 1));
  };
  return {
    has: (name) => resolve(name).exists,
    get: (name) => {
      const r = resolve(name);
      return r.exists ? r.value : undefined;
    },
  };
}

/** Compiles once; a syntax error throws (validation reports it with the field's path before anything runs). */
export function compileEventFilter(expression: string): EventFilter {
  const tree = parseExpression(expression, "expr");
  return (data) => {
    try {
      const result = evaluateExpr(tree, dataVariables(data));
      if (result === true) return { pass: true };
      if (result === false) return { pass: false, reason: `filter.expression is false` };
      return { pass: false, reason: `filter.expression gave ${JSON.stringify(result)}, not true or false`, error: true };
    } catch (e) {
      // Argo drops an event whose filter cannot be evaluated (a missing field, a type mismatch); so does Impulse, counted.
      return { pass: false, reason: `filter.expression failed: ${(e as Error).message}`, error: true };
    }
  };
}
