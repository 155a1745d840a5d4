// The slack EventSource: Events API, interactive payloads and slash commands on a webhook endpoint, signature-checked first.
import { createHash } from "node:crypto";
import { SlackConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { mountWebhookEvents, untilAborted, type WebhookEvent } from "../webhook/family.js";
import { headerValue, type Delivery, type RouteHooks } from "../webhook/hooks.js";
import { parseSlackRequest, type SlackRequest } from "./request.js";
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifySlack } from "./verify.js";

export function slackHooks(signingSecret: string, token: string | undefined, metadata: Record<string, string> | undefined): RouteHooks {
  // One parse per request, shared by the hooks (answer, body, eventId run one after another on the same Delivery).
  const parsed = new WeakMap<Delivery, SlackRequest>();
  const parse = (d: Delivery) => {
    let r = parsed.get(d);
    if (!r) parsed.set(d, (r = parseSlackRequest(d, token)));
    return r;
  };
  return {
    verify: (d) => verifySlack(d, signingSecret),
    answer(d) {
      const r = parse(d);
      if (r.kind === "challenge") return { status: 200, body: { challenge: r.challenge } };
      if (r.kind === "ignored") return { status: 200, body: { status: "ignored", type: r.type } };
      return undefined;
    },
    body: parse,
    eventId(d) {
      const r = parse(d);
      if (r.kind === "event" && r.eventId) return r.eventId;
      // Interactions and commands carry no delivery id; a replay of the same signed request (same timestamp and
      // signature, inside the 5-minute window) gets the same id and is stored once.
      const key = `${headerValue(d, TIMESTAMP_HEADER)}:${headerValue(d, SIGNATURE_HEADER)}`;
      return `slack-${createHash("sha256").update(key).digest("hex").slice(0, 32)}`;
    },
    data(body) {
      const { data } = body as Exclude<SlackRequest, { kind: "challenge" | "ignored" }>;
      return metadata && Object.keys(metadata).length ? { ...data, metadata } : data;
    },
  };
}

export const slack = defineEventSource({
  type: "slack",
  configSchema: SlackConfig,
  strategy: "active-active",
  start(ctx, emit, signal) {
    const ready = (async () => {
      const events: WebhookEvent[] = [];
      for (const [name, cfg] of ctx.events) {
        const secret = await ctx.secrets(cfg.signingSecret);
        const token = cfg.token ? await ctx.secrets(cfg.token) : undefined;
        events.push({ eventName: name, webhook: cfg.webhook, path: `spec.slack.${name}.webhook`, hooks: slackHooks(secret, token, cfg.metadata) });
      }
      await mountWebhookEvents(ctx, "slack", emit, events);
    })();
    return { ready, done: untilAborted(signal) };
  },
});
