// Finds `=~` / `matches` patterns written as literals, so validation refuses one RE2 cannot compile before anything runs.
import { regexProblem } from "../regex.js";
import type { Node } from "./parser.js";

/** The first literal pattern RE2 refuses, with the reason; undefined when all compile (patterns from fields are checked per event). */
export function regexLiteralProblem(n: Node): string | undefined {
  switch (n.k) {
    case "lit":
    case "var":
      return undefined;
    case "list":
      return first(n.items);
    case "unary":
      return regexLiteralProblem(n.x);
    case "ternary":
      return first([n.cond, n.then, ...(n.else ? [n.else] : [])]);
    case "binary": {
      if ((n.op === "=~" || n.op === "!~") && n.b.k === "lit" && typeof n.b.v === "string") {
        const why = regexProblem(n.b.v);
        if (why) return `${JSON.stringify(n.b.v)}: ${why}`;
      }
      return first([n.a, n.b]);
    }
  }
}

function first(nodes: Node[]): string | undefined {
  for (const x of nodes) {
    const why = regexLiteralProblem(x);
    if (why) return why;
  }
  return undefined;
}
