// Compiles a trigger's notification options (messageTemplate, oncePer, subscriptions); each problem names its spec path.
import { didYouMean, ErrorCodes, ImpulseError, MESSAGE_KINDS, ONCE_PER_DEFAULT_MS, parseGoDuration, SUBSCRIPTION_SERVICES, type Trigger } from "@impulse/api";
import { compileTemplate, type CompiledTemplate } from "../template/index.js";
import { fillsKind } from "./render.js";
import type { CompiledMessage, MessageCatalog } from "./catalog.js";

export interface CompiledNotify {
  message?: { name: string; compiled: CompiledMessage } | undefined;
  oncePer?: CompiledTemplate | undefined;
  oncePerWindowMs: number;
  subscriptions?: { trigger: string; service: string; dependency?: string | undefined } | undefined;
}

const err = (path: string, message: string) => new ImpulseError(ErrorCodes.InvalidSpec, `${path}: ${message}`);

/**
 * `templates` undefined: the catalog is not known here (the references are checked where it is: lint, the runtime).
 * Returns undefined when the trigger uses none of the options.
 */
export function compileNotify(t: Trigger, kind: string, at: string, declared: string[], templates: MessageCatalog | undefined, problems: unknown[]): CompiledNotify | undefined {
  if (t.messageTemplate === undefined && t.oncePer === undefined && t.subscriptions === undefined) {
    if (t.oncePerWindow !== undefined) problems.push(err(`${at}.oncePerWindow`, "only means something with oncePer"));
    return undefined;
  }
  const out: CompiledNotify = { oncePerWindowMs: t.oncePerWindow ? (parseGoDuration(t.oncePerWindow) ?? ONCE_PER_DEFAULT_MS) : ONCE_PER_DEFAULT_MS };
  const name = t.messageTemplate;
  if (name !== undefined) {
    const path = `${at}.messageTemplate`;
    const found = templates?.templates.get(name);
    if (!(MESSAGE_KINDS as readonly string[]).includes(kind)) problems.push(err(path, `message templates fill ${MESSAGE_KINDS.join(", ")} triggers, not ${kind}`));
    else if (templates && !found)
      problems.push(err(path, `message template "${name}" not found in ${templates.source}${didYouMean(name, [...templates.templates.keys()])}`));
    else if (found && !fillsKind(found, kind)) problems.push(err(path, `message template "${name}" has no ${kind} block${kind === "http" || kind === "kafka" ? "" : " and no message"}`));
    else if (found) out.message = { name, compiled: found };
  }
  if (t.oncePer !== undefined) {
    try {
      out.oncePer = compileTemplate(t.oncePer);
    } catch (e) {
      problems.push(err(`${at}.oncePer`, (e as Error).message));
    }
  }
  const s = t.subscriptions;
  if (s) {
    const service = s.service ?? SUBSCRIPTION_SERVICES[kind];
    if (!SUBSCRIPTION_SERVICES[kind]) problems.push(err(`${at}.subscriptions`, `recipients from annotations are set for ${Object.keys(SUBSCRIPTION_SERVICES).join(", ")} triggers, not ${kind}`));
    else if (s.dependency !== undefined && !declared.includes(s.dependency))
      problems.push(err(`${at}.subscriptions.dependency`, `unknown dependency "${s.dependency}"${didYouMean(s.dependency, declared)}`));
    else out.subscriptions = { trigger: s.trigger ?? t.template.name, service: service!, dependency: s.dependency };
  }
  return out;
}
