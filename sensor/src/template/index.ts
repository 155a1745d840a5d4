// Go text/template + sprig, the subset Argo users write (dataTemplate, contextTemplate, filter templates).
import { executeTemplate } from "./execute.js";
import { parseTemplate } from "./parse.js";

export { TemplateSyntaxError } from "./parse.js";
export { TemplateExecError } from "./funcs.js";
export { formatGo } from "./format.js";

export type CompiledTemplate = (data: unknown) => string;

/** Parses once; throws TemplateSyntaxError. The result throws TemplateExecError on a runtime error. */
export function compileTemplate(src: string): CompiledTemplate {
  const nodes = parseTemplate(src);
  return (data) => executeTemplate(nodes, data);
}
