// Go text/template + sprig, the subset Argo users write (dataTemplate, contextTemplate, filter templates).
import { executeTemplate } from "./execute.js";
import { parseTemplate } from "./parse.js";
import { checkRegexLiterals } from "./regex-literals.js";

export { TemplateSyntaxError } from "./parse.js";
export { TemplateExecError } from "./funcs.js";
export { formatGo } from "./format.js";

export type CompiledTemplate = (data: unknown) => string;

/** Parses once; throws TemplateSyntaxError (also for a literal regex pattern RE2 refuses). The result throws TemplateExecError on a runtime error. */
export function compileTemplate(src: string): CompiledTemplate {
  const nodes = parseTemplate(src);
  checkRegexLiterals(nodes);
  return (data) => executeTemplate(nodes, data);
}

/** Templates in parameters are resolved per event: parsed ones are memoised (bounded; parsing is pure). */
const memo = new Map<string, CompiledTemplate>();

export function cachedTemplate(src: string): CompiledTemplate {
  let t = memo.get(src);
  if (!t) {
    t = compileTemplate(src);
    if (memo.size < 1024) memo.set(src, t);
  }
  return t;
}

/** Argo's rule: an error, an empty result or "<no value>" counts as no result. */
export function renderOrUndefined(src: string, input: unknown): string | undefined {
  try {
    const out = cachedTemplate(src)({ Input: input });
    return out === "" || out === "<no value>" ? undefined : out;
  } catch {
    return undefined;
  }
}
