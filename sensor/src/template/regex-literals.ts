// Checks regex function calls whose pattern is a literal ({{ regexMatch "^v[0-9]+$" .Input }}) when a template is compiled.
import { regexProblem } from "@impulse/api";
import type { Arg, Pipe, TNode } from "./parse.js";
import { TemplateSyntaxError } from "./parse.js";

/** sprig functions whose first argument is an RE2 pattern. */
const PATTERN_FIRST = new Set(["regexMatch", "mustRegexMatch", "regexFind", "regexFindAll", "regexReplaceAll", "regexReplaceAllLiteral", "regexSplit"]);

function checkPipe(p: Pipe): void {
  for (const c of p.cmds) {
    const [head, pattern] = c.args;
    if (head?.k === "fn" && PATTERN_FIRST.has(head.name) && pattern?.k === "lit" && typeof pattern.v === "string") {
      const why = regexProblem(pattern.v);
      if (why) throw new TemplateSyntaxError(`${head.name} ${JSON.stringify(pattern.v)}: ${why}`);
    }
    for (const a of c.args) checkArg(a);
  }
}

function checkArg(a: Arg): void {
  if (a.k === "sub") checkPipe(a.pipe);
}

/** Throws TemplateSyntaxError for the first literal pattern RE2 cannot compile (lint reports it with the field's path). */
export function checkRegexLiterals(nodes: TNode[]): void {
  for (const n of nodes) {
    if (n.k === "text") continue;
    checkPipe(n.pipe);
    if (n.k !== "action") {
      checkRegexLiterals(n.then);
      checkRegexLiterals(n.else);
    }
  }
}
