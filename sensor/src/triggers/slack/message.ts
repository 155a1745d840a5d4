// Builds Slack chat.postMessage requests from a slack template and reads Slack's answers (pure: no I/O).
import { ErrorCodes, ImpulseError, type SlackTriggerTemplate } from "@impulse/api";

export const DEFAULT_SLACK_API = "https://slack.com/api/";

/** The emoji form Slack takes for icon_emoji (":name:"), as notifications-engine checks it. */
const EMOJI = /^:.+:$/;

/** Slack's error codes worth another attempt: its own transient failures (anything else will fail the same way again). */
const TRANSIENT = new Set(["internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited", "rate_limited", "team_added_to_org"]);

/** The channel as Slack takes it: Argo drops a leading '#'. */
export function channelOf(t: SlackTriggerTemplate): string {
  const c = (t.channel ?? "").trim().replace(/^#/, "");
  if (!c) throw new ImpulseError(ErrorCodes.ParameterFailed, "template.slack.channel is empty: no Slack channel to post to");
  return c;
}

function jsonArray(text: string | undefined, field: string): unknown[] | undefined {
  if (text === undefined || text.trim() === "") return undefined;
  try {
    const v: unknown = JSON.parse(text);
    if (Array.isArray(v)) return v;
  } catch {
    /* reported below */
  }
  throw new ImpulseError(ErrorCodes.ParameterFailed, `template.slack.${field} is not a JSON array (after parameters)`);
}

/**
 * The chat.postMessage body (JSON form). `metadata` carries the firing's idempotency key, so whoever reads the channel's
 * messages (with the metadata scope) can tell a message posted twice after a crash; Slack itself has no idempotency key.
 */
export function postMessageBody(t: SlackTriggerTemplate, o: { channel: string; threadTs?: string | undefined; idempotencyKey: string; replay?: string | undefined; sensor: string; trigger: string }): Record<string, unknown> {
  const text = t.message ?? "";
  const attachments = jsonArray(t.attachments, "attachments");
  const blocks = jsonArray(t.blocks, "blocks");
  if (!text && !attachments?.length && !blocks?.length)
    throw new ImpulseError(ErrorCodes.ParameterFailed, "template.slack has nothing to post: set message, attachments or blocks");
  const body: Record<string, unknown> = { channel: o.channel, text };
  if (attachments) body["attachments"] = attachments;
  if (blocks) body["blocks"] = blocks;
  if (o.threadTs) {
    body["thread_ts"] = o.threadTs;
    if (t.thread?.broadcastMessageToChannel) body["reply_broadcast"] = true;
  }
  if (t.sender?.username) body["username"] = t.sender.username;
  const icon = t.sender?.icon;
  if (icon && EMOJI.test(icon)) body["icon_emoji"] = icon;
  else if (icon && /^https?:\/\/[^/]/i.test(icon)) body["icon_url"] = icon;
  body["metadata"] = { event_type: "impulse_firing", event_payload: { idempotency_key: o.idempotencyKey, sensor: o.sensor, trigger: o.trigger, ...(o.replay ? { replay: o.replay } : {}) } };
  return body;
}

/** What Slack answered to a successful call. */
export interface SlackAnswer {
  channel: string;
  ts: string;
  warning?: string | undefined;
}

/** Reads a Web API answer: `ok: true` → the posted message; `ok: false`, a non-2xx status or a non-JSON body → an error naming Slack's text. */
export function readAnswer(status: number, text: string, what: string): SlackAnswer {
  let json: Record<string, unknown> | undefined;
  try {
    const v: unknown = JSON.parse(text);
    if (v && typeof v === "object") json = v as Record<string, unknown>;
  } catch {
    /* not JSON */
  }
  if (json?.["ok"] === true && status >= 200 && status < 300) {
    return { channel: String(json["channel"] ?? ""), ts: String(json["ts"] ?? ""), warning: typeof json["warning"] === "string" ? json["warning"] : undefined };
  }
  if (json && typeof json["error"] === "string") {
    const error = json["error"];
    const details: string[] = [];
    if (typeof json["needed"] === "string") details.push(`needed scope ${json["needed"]}`);
    if (typeof json["provided"] === "string") details.push(`token has ${json["provided"]}`);
    const messages = (json["response_metadata"] as { messages?: unknown } | undefined)?.messages;
    if (Array.isArray(messages)) details.push(...messages.slice(0, 3).map(String));
    const retryable = TRANSIENT.has(error) || status === 429 || status >= 500;
    return fail(`${what}: Slack answered ${error}${details.length ? ` (${details.join("; ")})` : ""}`, retryable);
  }
  const snippet = text.replace(/\s+/g, " ").slice(0, 200);
  return fail(`${what}: HTTP ${status}${snippet ? `: ${snippet}` : ""}`, status === 429 || status >= 500 || status === 408);
}

function fail(message: string, retryable: boolean): never {
  throw new ImpulseError(ErrorCodes.TriggerFailed, message, { retryable });
}
