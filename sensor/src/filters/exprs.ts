// Expr filters: govaluate expressions over fields bound from gjson paths; combined by exprLogicalOperator.
import { compilePath, ErrorCodes, evaluateExpr, ImpulseError, notBooleanMessage, parseExpression, regexLiteralProblem, variables } from "@impulse/api";
import { PASS, type CompiledFilter, type FilterResult } from "./types.js";

interface ExprSpec {
  expr: string;
  fields: { name: string; path: string }[];
}

export function compileExprFilters(exprs: ExprSpec[], operator: string | undefined, at: string): CompiledFilter {
  const compiled = exprs.map((e, i) => {
    let tree;
    try {
      tree = parseExpression(e.expr);
    } catch (err) {
      throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.exprs[${i}].expr: ${(err as Error).message}`);
    }
    const badPattern = regexLiteralProblem(tree);
    if (badPattern) throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.exprs[${i}].expr: invalid pattern ${badPattern}`);
    const notBoolean = notBooleanMessage(tree);
    if (notBoolean) throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.exprs[${i}].expr: ${notBoolean}`);
    const bound = new Set(e.fields.map((f) => f.name));
    const unbound = [...variables(tree)].filter((v) => !bound.has(v));
    if (unbound.length) throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.exprs[${i}].expr: ${unbound.map((v) => `"${v}"`).join(", ")} not bound by fields`);
    return { tree, fields: e.fields.map((f) => ({ ...f, read: compilePath(f.path) })), text: e.expr };
  });
  const any = operator === "or";
  const one = (c: (typeof compiled)[number], data: unknown): FilterResult => {
    const vars = new Map<string, unknown>();
    for (const f of c.fields) {
      const r = f.read(data);
      if (!r.exists) return { pass: false, error: true, reason: `expr ${JSON.stringify(c.text)}: path ${f.path} (field ${f.name}) not found` };
      vars.set(f.name, r.value);
    }
    try {
      const v = evaluateExpr(c.tree, vars);
      if (typeof v !== "boolean") return { pass: false, error: true, reason: `expr ${JSON.stringify(c.text)} gave ${JSON.stringify(v)}, not true or false` };
      return v ? PASS : { pass: false, reason: `expr ${JSON.stringify(c.text)} is false` };
    } catch (err) {
      return { pass: false, error: true, reason: `expr ${JSON.stringify(c.text)}: ${(err as Error).message}` };
    }
  };
  return (event) => {
    // As Argo: an event without data passes (there is nothing to evaluate).
    if (event.data === null || event.data === undefined) return PASS;
    const reasons: string[] = [];
    let errored = false;
    for (const c of compiled) {
      const r = one(c, event.data);
      if (r.pass && any) return PASS;
      if (!r.pass) {
        if (!any) return r;
        reasons.push(r.reason!);
        errored ||= r.error === true;
      }
    }
    return any && compiled.length ? { pass: false, reason: reasons.join("; "), ...(errored ? { error: true } : {}) } : PASS;
  };
}
