// Builds the JSON a Teams webhook takes from an msTeams template, in notifications-engine's shapes (pure: no I/O).
import { ErrorCodes, ImpulseError, type MsTeamsTriggerTemplate } from "@impulse/api";

type Json = Record<string, unknown>;

/** Workflows (Power Automate) HTTP-trigger URLs, as notifications-engine recognises them, plus the classic Logic Apps path. */
export function isWorkflowsUrl(url: string): boolean {
  return /(api\.(powerautomate|powerplatform)\.com|flow\.microsoft\.com|webhook\.office\.com\/workflows|\/powerautomate\/)/i.test(url) || /\/workflows\/[^/]+\/triggers\//i.test(url);
}

function parsed<T>(text: string | undefined, field: string, array: boolean): T | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  try {
    const v: unknown = JSON.parse(text);
    if (array ? Array.isArray(v) : v !== null && typeof v === "object" && !Array.isArray(v)) return v as T;
  } catch {
    /* reported below */
  }
  throw new ImpulseError(ErrorCodes.ParameterFailed, `template.msTeams.${field} is not a JSON ${array ? "array" : "object"} (after parameters)`);
}

/** The legacy connector card: title, summary, text, themeColor, sections (+ a section of the facts), potentialAction. */
export function messageCard(t: MsTeamsTriggerTemplate): Json {
  const sections = parsed<Json[]>(t.sections, "sections", true) ?? [];
  const facts = parsed<Json[]>(t.facts, "facts", true);
  const actions = parsed<Json[]>(t.potentialAction, "potentialAction", true);
  if (!t.text && !t.summary && !t.title && !sections.length && !facts?.length)
    throw new ImpulseError(ErrorCodes.ParameterFailed, "template.msTeams has nothing to post: set text, title, summary, facts or sections");
  const card: Json = { "@type": "MessageCard", "@context": "https://schema.org/extensions" };
  if (t.title) card["title"] = t.title;
  // Teams refuses a card with neither summary nor text; the title stands in for the summary.
  card["summary"] = t.summary || t.title || (t.text ?? "").slice(0, 80) || "notification";
  if (t.text) card["text"] = t.text;
  if (t.themeColor) card["themeColor"] = t.themeColor;
  const all = facts?.length ? [...sections, { facts }] : sections;
  if (all.length) card["sections"] = all;
  if (actions) card["potentialAction"] = actions;
  return card;
}

function factSet(facts: unknown): Json | undefined {
  if (!Array.isArray(facts)) return undefined;
  const out = facts
    .filter((f): f is Json => !!f && typeof f === "object" && typeof (f as Json)["name"] === "string")
    .map((f) => ({ title: f["name"] as string, value: typeof f["value"] === "string" ? f["value"] : JSON.stringify(f["value"] ?? "") }));
  return out.length ? { type: "FactSet", facts: out } : undefined;
}

/** An Adaptive Card (1.4) from the same fields, wrapped in the message envelope Workflows takes. */
export function adaptiveCardMessage(t: MsTeamsTriggerTemplate): Json {
  let card = parsed<Json>(t.adaptiveCard, "adaptiveCard", false);
  if (!card) {
    const body: Json[] = [];
    if (t.title) body.push({ type: "TextBlock", text: t.title, size: "Large", weight: "Bolder", wrap: true, ...(t.themeColor ? { color: t.themeColor } : {}) });
    if (t.text) body.push({ type: "TextBlock", text: t.text, wrap: true });
    const facts = factSet(parsed<Json[]>(t.facts, "facts", true));
    if (facts) body.push(facts);
    for (const s of parsed<Json[]>(t.sections, "sections", true) ?? []) {
      const f = factSet(s["facts"]);
      if (f) body.push(f);
    }
    if (!body.length) throw new ImpulseError(ErrorCodes.ParameterFailed, "template.msTeams has nothing to post: set text, title, facts, sections or adaptiveCard");
    const actions = (parsed<Json[]>(t.potentialAction, "potentialAction", true) ?? [])
      .filter((a) => a["@type"] === "OpenUri")
      .map((a) => ({ type: "Action.OpenUrl", title: a["name"], url: ((a["targets"] as Json[] | undefined)?.[0] ?? {})["uri"] }))
      .filter((a) => typeof a.url === "string");
    card = { type: "AdaptiveCard", $schema: "http://adaptivecards.io/schemas/adaptive-card.json", version: "1.4", body, ...(actions.length ? { actions } : {}) };
  }
  return { type: "message", attachments: [{ contentType: "application/vnd.microsoft.card.adaptive", contentUrl: null, content: card }] };
}

/**
 * Reads the webhook's answer. Connectors answer 200 with the body "1"; a 200 with other text is their way of
 * reporting a failure (e.g. "Microsoft Teams endpoint returned HTTP error 429"). Workflows answer 202 (any 2xx).
 */
export function readTeamsAnswer(format: "messageCard" | "adaptiveCard", status: number, text: string, what: string): void {
  const body = text.trim();
  if (status >= 200 && status < 300 && (format === "adaptiveCard" || body === "1")) return;
  const snippet = body.replace(/\s+/g, " ").slice(0, 300);
  const retryable = status === 429 || status === 408 || status >= 500 || (status < 300 && /\b(429|5\d\d)\b/.test(body));
  throw new ImpulseError(ErrorCodes.TriggerFailed, `${what}: HTTP ${status}${snippet ? `: ${snippet}` : ""}`, { retryable });
}
