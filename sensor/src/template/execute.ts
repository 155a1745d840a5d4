// Executes a parsed template against data, producing text as Go's text/template does.
import { formatGo } from "./format.js";
import { FUNCTIONS, TemplateExecError, truthy } from "./funcs.js";
import type { Arg, Cmd, Pipe, TNode } from "./parse.js";

type Scope = Map<string, unknown>;

function field(base: unknown, path: string[], label: string): unknown {
  let v = base;
  for (const key of path) {
    // A missing key or a JSON null is Go's invalid value: further fields stay "no value".
    if (v === null || v === undefined) return undefined;
    if (typeof v !== "object" || Array.isArray(v)) throw new TemplateExecError(`can't evaluate field ${key} in ${formatGo(v)} (${label})`);
    v = (v as Record<string, unknown>)[key]; // a missing key is "no value", as for Go maps
  }
  return v;
}

function arg(a: Arg, dot: unknown, scope: Scope, finalArg?: { v: unknown }): unknown {
  switch (a.k) {
    case "lit":
      return a.v;
    case "sub": {
      const v = pipeline(a.pipe, dot, scope);
      return a.path ? field(v, a.path, "(…)") : v;
    }
    case "field": {
      if (a.base === "dot") return field(dot, a.path, "");
      const name = a.base === "root" ? "$" : a.base;
      if (!scope.has(name)) throw new TemplateExecError(`undefined variable ${name}`);
      return field(scope.get(name), a.path, name);
    }
    case "fn": {
      const fn = FUNCTIONS[a.name];
      if (!fn) throw new TemplateExecError(`function "${a.name}" not defined`);
      return fn(...(finalArg ? [finalArg.v] : []));
    }
  }
}

function command(c: Cmd, dot: unknown, scope: Scope, piped?: { v: unknown }): unknown {
  const head = c.args[0]!;
  const rest = c.args.slice(1);
  if (head!.k === "fn") {
    const fn = FUNCTIONS[head.name];
    if (!fn) throw new TemplateExecError(`function "${head.name}" not defined`);
    const args = rest.map((r) => arg(r, dot, scope));
    if (piped) args.push(piped.v);
    return fn(...args);
  }
  if (rest.length || piped) throw new TemplateExecError("can't give arguments to a non-function");
  return arg(head!, dot, scope);
}

function pipeline(p: Pipe, dot: unknown, scope: Scope): unknown {
  let piped: { v: unknown } | undefined;
  for (const c of p.cmds) piped = { v: command(c, dot, scope, piped) };
  const value = piped!.v;
  if (p.decl?.length === 1) scope.set(p.decl[0]!, value);
  return value;
}

function run(nodes: TNode[], dot: unknown, scope: Scope, out: string[]): void {
  for (const n of nodes) {
    switch (n.k) {
      case "text":
        out.push(n.v);
        break;
      case "action": {
        const v = pipeline(n.pipe, dot, scope);
        if (!n.pipe.decl) out.push(formatGo(v));
        break;
      }
      case "if":
      case "with": {
        const inner = new Map(scope);
        const v = pipeline(n.pipe, dot, inner);
        if (truthy(v)) run(n.then, n.k === "with" ? v : dot, inner, out);
        else run(n.else, dot, inner, out);
        break;
      }
      case "range": {
        const inner = new Map(scope);
        const decl = n.pipe.decl;
        const v = pipeline({ cmds: n.pipe.cmds }, dot, inner);
        const entries: [unknown, unknown][] = Array.isArray(v)
          ? v.map((x, i) => [i, x])
          : v && typeof v === "object"
            ? Object.keys(v).sort().map((k) => [k, (v as Record<string, unknown>)[k]])
            : typeof v === "number"
              ? Array.from({ length: Math.max(0, Math.trunc(v)) }, (_, i) => [i, i])
              : [];
        if (!entries.length) {
          run(n.else, dot, inner, out);
          break;
        }
        for (const [k, x] of entries) {
          if (decl?.length === 1) inner.set(decl[0]!, x);
          if (decl?.length === 2) (inner.set(decl[0]!, k), inner.set(decl[1]!, x));
          run(n.then, x, inner, out);
        }
        break;
      }
    }
  }
}

export function executeTemplate(nodes: TNode[], data: unknown): string {
  const out: string[] = [];
  run(nodes, data, new Map([["$", data]]), out);
  return out.join("");
}
