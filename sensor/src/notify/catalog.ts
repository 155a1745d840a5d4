// Named message templates (notifications-engine's `template.<name>` ConfigMap keys): parsed, validated and compiled once.
import { MessageTemplate, TEMPLATE_KEY_PREFIX, type Finding } from "@impulse/api";
import { parse } from "yaml";
import { compileTemplate, type CompiledTemplate } from "../template/index.js";

/** One template's strings, compiled: block (or "message") → field → template. */
export type CompiledMessage = Record<string, Record<string, CompiledTemplate>> & { message?: Record<"message", CompiledTemplate> };

export interface MessageCatalog {
  /** Where the templates came from (a ConfigMap, a directory), for error messages. */
  source: string;
  templates: ReadonlyMap<string, CompiledMessage>;
}

/** Every template of a ConfigMap-shaped `data` (keys `template.<name>`, YAML values); other keys are ignored. */
export function parseCatalog(data: Readonly<Record<string, string>>, source: string): { catalog: MessageCatalog; errors: Finding[] } {
  const templates = new Map<string, CompiledMessage>();
  const errors: Finding[] = [];
  for (const [key, text] of Object.entries(data)) {
    if (!key.startsWith(TEMPLATE_KEY_PREFIX)) continue;
    const name = key.slice(TEMPLATE_KEY_PREFIX.length);
    const at = `data["${key}"]`;
    const compiled = compileOne(text, at, errors);
    if (compiled) templates.set(name, compiled);
  }
  return { catalog: { source, templates }, errors };
}

function compileOne(text: string, at: string, errors: Finding[]): CompiledMessage | undefined {
  let value: unknown;
  try {
    value = parse(text, { maxAliasCount: 100 });
  } catch (e) {
    errors.push({ path: at, message: `not YAML: ${(e as Error).message}` });
    return undefined;
  }
  const r = MessageTemplate.safeParse(value);
  if (!r.success) {
    for (const issue of r.error.issues) errors.push({ path: [at, ...issue.path].join("."), message: issue.message });
    return undefined;
  }
  const out: Record<string, Record<string, CompiledTemplate>> = {};
  let ok = true;
  for (const [block, fields] of Object.entries(r.data)) {
    const entries = typeof fields === "string" ? [["message", fields] as const] : Object.entries(fields ?? {});
    const target = (out[block] = {} as Record<string, CompiledTemplate>);
    for (const [field, src] of entries) {
      if (typeof src !== "string") continue;
      try {
        target[field] = compileTemplate(src);
      } catch (e) {
        ok = false;
        errors.push({ path: block === "message" ? `${at}.message` : `${at}.${block}.${field}`, message: (e as Error).message });
      }
    }
  }
  return ok ? (out as CompiledMessage) : undefined;
}

/** Several sources in one catalog (later ones win a name clash: a directory given after the defaults overrides). */
export function mergeCatalogs(list: MessageCatalog[]): MessageCatalog | undefined {
  if (list.length === 0) return undefined;
  const templates = new Map<string, CompiledMessage>();
  for (const c of list) for (const [k, v] of c.templates) templates.set(k, v);
  return { source: list.map((c) => c.source).join(", "), templates };
}
