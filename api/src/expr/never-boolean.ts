// Finds filter expressions that can never give true or false (`body.amount >> 5`): at run time such a filter
// drops every event, so lint and start-up refuse it instead.
import type { Node } from "./parser.js";

const NUMERIC = new Set(["|", "^", "&", "<<", ">>", "+", "-", "*", "/", "%", "**"]);

/** What the expression gives when that can never be a boolean ("a number", "a string", ...); undefined when it may be one. */
export function neverBoolean(n: Node): string | undefined {
  switch (n.k) {
    case "lit":
      return typeof n.v === "boolean" ? undefined : n.v === null ? "nil" : typeof n.v === "number" ? "a number" : typeof n.v === "string" ? "a string" : "a value";
    case "list":
      return "a list";
    case "unary":
      return n.op === "!" ? undefined : "a number";
    case "binary":
      if (NUMERIC.has(n.op)) return `a ${n.op === "+" ? "number or string" : "number"} (operator ${n.op})`;
      if (n.op === "??") {
        const a = neverBoolean(n.a);
        const b = neverBoolean(n.b);
        return a && b ? a : undefined;
      }
      return undefined;
    case "ternary": {
      const a = neverBoolean(n.then);
      const b = n.else ? neverBoolean(n.else) : "nil";
      return a && b ? a : undefined;
    }
    case "var":
      return undefined;
  }
}

/** The lint message for an expression that is never a boolean, or undefined. */
export function notBooleanMessage(tree: Node): string | undefined {
  const what = neverBoolean(tree);
  return what ? `gives ${what}, never true or false: a filter must be a boolean expression (events would all be dropped)` : undefined;
}
