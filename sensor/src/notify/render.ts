// Fills a trigger's message fields from a named message template and sets the subscriber as its recipient (pure).
import { ErrorCodes, eventContext, ImpulseError } from "@impulse/api";
import type { FiredEvents } from "../params/resolve.js";
import type { CompiledMessage } from "./catalog.js";

/** What message templates and oncePer see: .Input (the first event's data), .Events (by dependency), .Recipient. */
export function notificationData(events: FiredEvents, recipient?: string): Record<string, unknown> {
  const list = Object.entries(events);
  return {
    Input: list[0]?.[1].data,
    Events: Object.fromEntries(list.map(([dep, e]) => [dep, { ...eventContext(e), data: e.data }])),
    Recipient: recipient ?? "",
  };
}

/** The template field each block field fills, by trigger kind; `message` fills the kind's main text when its block does not. */
const MAIN_TEXT: Record<string, string> = { slack: "message", email: "body", msTeams: "text" };
/** Kinds whose block is the body (payload) rather than template fields. */
const BODY_KINDS = new Set(["http", "kafka"]);

function run(name: string, where: string, fn: (data: unknown) => string, data: unknown): string {
  try {
    return fn(data);
  } catch (e) {
    throw new ImpulseError(ErrorCodes.ParameterFailed, `messageTemplate ${name}: ${where}: ${(e as Error).message}`);
  }
}

/** A body template's text: JSON when it parses, else the text as a JSON string. */
function bodyValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Applies the message template to the kind's template (and payload, for http and kafka). Inputs are not modified. */
export function renderMessage(
  name: string,
  message: CompiledMessage,
  kind: string,
  template: Record<string, unknown>,
  payload: unknown,
  data: Record<string, unknown>,
): { template: Record<string, unknown>; payload: unknown } {
  const out = { ...template };
  const block = message[kind] ?? {};
  if (BODY_KINDS.has(kind)) {
    return { template: out, payload: block["body"] ? bodyValue(run(name, `${kind}.body`, block["body"], data)) : payload };
  }
  for (const [field, fn] of Object.entries(block)) out[field] = run(name, `${kind}.${field}`, fn, data);
  const main = MAIN_TEXT[kind];
  const fallback = message.message?.message;
  if (main && block[main] === undefined && fallback) out[main] = run(name, "message", fallback, data);
  return { template: out, payload };
}

/**
 * Sets the subscriber as the kind's recipient: the Slack channel, the one email address, or for Teams the key of the
 * webhookUrl Secret (as notifications-engine's teams recipients name URLs the operator configured): an annotation
 * chooses among the URLs in that Secret, never a URL of its own.
 */
export function withRecipient(kind: string, template: Record<string, unknown>, recipient: string): Record<string, unknown> {
  if (kind === "slack") return { ...template, channel: recipient };
  if (kind === "email") return { ...template, to: [recipient] };
  if (kind === "msTeams") return { ...template, webhookUrl: { ...(template["webhookUrl"] as object), key: recipient } };
  throw new ImpulseError(ErrorCodes.InvalidSpec, `subscriptions are not supported for ${kind} triggers`);
}

/** Does the template give this kind anything to send? (For lint: a template without a block or message for the kind.) */
export function fillsKind(message: CompiledMessage, kind: string): boolean {
  if (message[kind]) return true;
  return Boolean(MAIN_TEXT[kind] && message.message);
}
