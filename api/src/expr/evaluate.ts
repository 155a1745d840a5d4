// Evaluates a govaluate expression tree with its semantics: float64 numbers, strict operand types, short-circuit.
import { compileRegexTest } from "../regex.js";
import type { Node } from "./parser.js";

export class ExprEvalError extends Error {}

const typeName = (v: unknown) => (v === null || v === undefined ? "nil" : Array.isArray(v) ? "array" : typeof v);

function num(v: unknown, op: string): number {
  if (typeof v !== "number") throw new ExprEvalError(`"${op}" needs numbers, got ${typeName(v)}`);
  return v;
}
function bool(v: unknown, op: string): boolean {
  if (typeof v !== "boolean") throw new ExprEvalError(`"${op}" needs booleans, got ${typeName(v)}`);
  return v;
}
function str(v: unknown, op: string): string {
  if (typeof v !== "string") throw new ExprEvalError(`"${op}" needs strings, got ${typeName(v)}`);
  return v;
}

/** reflect.DeepEqual over JSON values. */
function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

function compare(a: unknown, b: unknown, op: string): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  throw new ExprEvalError(`cannot compare ${typeName(a)} with ${typeName(b)} using "${op}"`);
}

const int = (v: unknown, op: string) => BigInt.asIntN(64, BigInt(Math.trunc(num(v, op))));

/** Where variable values come from: a Map of bound fields (Sensor exprs) or a lookup into an event (EventSource filters). */
export type ExprVariables = Pick<ReadonlyMap<string, unknown>, "has" | "get">;

/** `=~` / `matches` use RE2 (linear time, Go syntax, as govaluate and expr do): a pattern from event data cannot stall the process. */
export function evaluateExpr(n: Node, vars: ExprVariables): unknown {
  const ev = (x: Node) => evaluateExpr(x, vars);
  switch (n.k) {
    case "lit":
      return n.v;
    case "var":
      if (!vars.has(n.name)) throw new ExprEvalError(`no parameter "${n.name}" found`);
      return vars.get(n.name);
    case "list":
      return n.items.map(ev);
    case "unary": {
      const x = ev(n.x);
      if (n.op === "!") return !bool(x, "!");
      if (n.op === "-") return -num(x, "-");
      return Number(~int(x, "~"));
    }
    case "ternary": {
      if (bool(ev(n.cond), "?")) return ev(n.then);
      return n.else ? ev(n.else) : null;
    }
    case "binary": {
      const { op } = n;
      if (op === "&&") return bool(ev(n.a), op) ? bool(ev(n.b), op) : false;
      if (op === "||") return bool(ev(n.a), op) ? true : bool(ev(n.b), op);
      if (op === "??") {
        const a = ev(n.a);
        return a === null || a === undefined ? ev(n.b) : a;
      }
      const a = ev(n.a);
      const b = ev(n.b);
      switch (op) {
        case "==":
          return deepEqual(a, b);
        case "!=":
          return !deepEqual(a, b);
        case ">":
          return compare(a, b, op) > 0;
        case "<":
          return compare(a, b, op) < 0;
        case ">=":
          return compare(a, b, op) >= 0;
        case "<=":
          return compare(a, b, op) <= 0;
        case "=~":
        case "!~": {
          const pattern = str(b, op);
          let test;
          try {
            test = compileRegexTest(pattern);
          } catch (e) {
            throw new ExprEvalError(`${JSON.stringify(pattern)}: ${(e as Error).message}`);
          }
          const m = test(str(a, op));
          return op === "=~" ? m : !m;
        }
        case "in":
          if (!Array.isArray(b)) throw new ExprEvalError(`"in" needs a list on the right, like (1, 2), got ${typeName(b)}`);
          return b.some((x) => deepEqual(a, x));
        case "+":
          if (typeof a === "string" || typeof b === "string") return String(a) + String(b);
          return num(a, op) + num(b, op);
        case "-":
          return num(a, op) - num(b, op);
        case "*":
          return num(a, op) * num(b, op);
        case "/":
          return num(a, op) / num(b, op);
        case "%":
          return num(a, op) % num(b, op);
        case "**":
          return num(a, op) ** num(b, op);
        case "&":
          return Number(int(a, op) & int(b, op));
        case "|":
          return Number(int(a, op) | int(b, op));
        case "^":
          return Number(int(a, op) ^ int(b, op));
        case "<<":
          return Number(BigInt.asIntN(64, int(a, op) << int(b, op)));
        case ">>":
          return Number(int(a, op) >> int(b, op));
      }
      throw new ExprEvalError(`unknown operator "${op}"`);
    }
  }
}
