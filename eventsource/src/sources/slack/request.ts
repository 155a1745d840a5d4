// Classifies a verified Slack request (Events API JSON, interactive payload, slash command) into Argo's event data.
import { createHash } from "node:crypto";
import { parseJsonBody } from "../webhook/body.js";
import { forbidden, safeEqual } from "../webhook/hmac.js";
import { headerValue, type Delivery } from "../webhook/hooks.js";
import { HttpError } from "../webhook/http-error.js";
import { checkJsonDepth } from "../webhook/json-depth.js";

export type SlackRequest =
  /** url_verification: answered with the challenge, nothing stored. */
  | { kind: "challenge"; challenge: string }
  /** Events API messages that are not events (app_rate_limited, ...): answered 200, nothing stored, as Argo. */
  | { kind: "ignored"; type: string }
  /** event_callback: Argo's data is the inner event as `{type, Data}`; Slack's event_id makes a resend one event. */
  | { kind: "event"; eventId: string | undefined; data: { type: string; Data: Record<string, unknown> } }
  /** An interactive payload (block_actions, view_submission, shortcut, ...): the payload object. */
  | { kind: "interaction"; data: Record<string, unknown> }
  /** A slash command: its form fields, as slack-go's SlashCommand encodes them. */
  | { kind: "command"; data: Record<string, unknown> };

const bad = (message: string) => new HttpError(400, "invalid", message);
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const digest = (s: string) => createHash("sha256").update(s).digest();

/** The fields of slack-go's SlashCommand, in its order; enterprise_* are omitted when empty, as its JSON tags say. */
function slashCommand(form: URLSearchParams): Record<string, unknown> {
  const get = (k: string) => form.get(k) ?? "";
  const out: Record<string, unknown> = { token: get("token"), team_id: get("team_id"), team_domain: get("team_domain") };
  if (get("enterprise_id")) out["enterprise_id"] = get("enterprise_id");
  if (get("enterprise_name")) out["enterprise_name"] = get("enterprise_name");
  out["is_enterprise_install"] = get("is_enterprise_install") === "true";
  for (const k of ["channel_id", "channel_name", "user_id", "user_name", "command", "text", "response_url", "trigger_id", "api_app_id"]) out[k] = get(k);
  return out;
}

function parseForm(raw: Buffer): SlackRequest {
  const form = new URLSearchParams(raw.toString("utf8"));
  const payload = form.get("payload");
  if (payload) {
    const text = Buffer.from(payload, "utf8");
    checkJsonDepth(text);
    let value: unknown;
    try {
      value = JSON.parse(payload);
    } catch {
      throw bad("the form's payload is not valid JSON");
    }
    if (!isObject(value)) throw bad("the form's payload must be a JSON object");
    return { kind: "interaction", data: value };
  }
  if (form.get("command")) return { kind: "command", data: slashCommand(form) };
  throw bad("a form without payload or command: not a Slack interaction or slash command");
}

/** `token`: the verification token; an Events API request that carries another one is refused (as Argo does). */
export function parseSlackRequest(d: Delivery, token: string | undefined): SlackRequest {
  if ((headerValue(d, "content-type") ?? "").toLowerCase().startsWith("application/x-www-form-urlencoded")) return parseForm(d.raw);
  const doc = parseJsonBody(d.raw);
  if (!isObject(doc) || typeof doc["type"] !== "string") throw bad("not a Slack Events API request: a JSON object with a string type is expected");
  if (token !== undefined && typeof doc["token"] === "string" && !safeEqual(digest(doc["token"]), digest(token)))
    throw forbidden("the request's verification token does not match spec.slack token");
  const type = doc["type"];
  if (type === "url_verification") {
    if (typeof doc["challenge"] !== "string") throw bad("url_verification without a string challenge");
    return { kind: "challenge", challenge: doc["challenge"] };
  }
  if (type !== "event_callback") return { kind: "ignored", type };
  const inner = doc["event"];
  if (!isObject(inner) || typeof inner["type"] !== "string") throw bad("event_callback without an event object with a string type");
  const eventId = typeof doc["event_id"] === "string" && doc["event_id"] !== "" ? doc["event_id"] : undefined;
  return { kind: "event", eventId, data: { type: inner["type"], Data: inner } };
}
