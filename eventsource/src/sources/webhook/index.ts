// The webhook EventSource: HTTP requests become events; 200 only after the bus stored the event.
import { WebhookConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { mountWebhookEvents, untilAborted, type WebhookEvent } from "./family.js";
import { hmacVerifier } from "./hmac.js";

export const webhook = defineEventSource({
  type: "webhook",
  configSchema: WebhookConfig,
  strategy: "active-active",
  start(ctx, emit, signal) {
    const ready = (async () => {
      const events: WebhookEvent[] = [];
      for (const [name, cfg] of ctx.events) {
        const { filter: _f, hmac, ...webhook } = cfg;
        const verify = hmac ? hmacVerifier(hmac, await ctx.secrets(hmac.secret)) : undefined;
        events.push({ eventName: name, webhook, path: `spec.webhook.${name}`, hooks: { cloudEvents: true, ...(verify ? { verify } : {}) } });
      }
      await mountWebhookEvents(ctx, "webhook", emit, events);
    })();
    return { ready, done: untilAborted(signal) };
  },
});
