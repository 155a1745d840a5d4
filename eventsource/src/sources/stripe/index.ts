// The stripe EventSource: Stripe-Signature checked before anything is parsed; the Stripe event id is the event id.
import { StripeConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { hookUrl } from "../webhook/hook-url.js";
import { startHookedSource } from "../webhook/hooked-source.js";
import { DEFAULT_STRIPE_API, stripeApi } from "./api.js";
import { stripeHooks } from "./hooks.js";
import { stripeRegistrar, type SecretHolder } from "./registrar.js";

export const stripe = defineEventSource({
  type: "stripe",
  configSchema: StripeConfig,
  strategy: "active-active",
  start(ctx, emit, signal) {
    // stripeHooks builds Argo's {event, metadata} data itself, so the endpoint's metadata handling does not apply.
    return startHookedSource(ctx, "stripe", emit, signal, async (name, cfg) => {
      const holder: SecretHolder = { current: cfg.signingSecret ? await ctx.secrets(cfg.signingSecret) : undefined };
      const hooks = stripeHooks(cfg, holder);
      if (!(cfg.createWebhook && cfg.apiKey && cfg.webhook.url)) return { hooks };
      const registrar = stripeRegistrar({
        api: stripeApi(cfg.apiBaseURL ?? DEFAULT_STRIPE_API, await ctx.secrets(cfg.apiKey)),
        url: hookUrl(cfg.webhook.url, cfg.webhook.endpoint),
        events: cfg.eventFilter?.length ? cfg.eventFilter : ["*"],
        description: `Impulse EventSource ${ctx.eventSourceName}, event ${name}`,
        secretConfigured: cfg.signingSecret !== undefined,
        holder,
        kv: () => ctx.kv("stripe"),
        key: name,
      });
      return { hooks, registration: { registrar, deleteOnFinish: false } };
    });
  },
});
