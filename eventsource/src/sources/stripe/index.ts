// The stripe EventSource: Stripe-Signature checked before anything is parsed; the Stripe event id is the event id.
import { StripeConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { mountWebhookEvents, untilAborted, type WebhookEvent } from "../webhook/family.js";
import { hookUrl } from "../webhook/hook-url.js";
import { runRegistration } from "../webhook/registration.js";
import { DEFAULT_STRIPE_API, stripeApi } from "./api.js";
import { stripeHooks } from "./hooks.js";
import { stripeRegistrar, type SecretHolder } from "./registrar.js";

export const stripe = defineEventSource({
  type: "stripe",
  configSchema: StripeConfig,
  strategy: "active-active",
  start(ctx, emit, signal) {
    const registrations: Promise<void>[] = [];
    const ready = (async () => {
      const events: WebhookEvent[] = [];
      for (const [name, cfg] of ctx.events) {
        const holder: SecretHolder = { current: cfg.signingSecret ? await ctx.secrets(cfg.signingSecret) : undefined };
        events.push({ eventName: name, webhook: cfg.webhook, path: `spec.stripe.${name}.webhook`, hooks: stripeHooks(cfg, holder) });
        if (cfg.createWebhook && cfg.apiKey && cfg.webhook.url) {
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
          registrations.push(
            runRegistration({
              eventSourceName: ctx.eventSourceName,
              eventName: name,
              registrar,
              deleteOnFinish: false,
              health: (s) => ctx.health(name, s),
              logger: ctx.logger,
              metrics: ctx.metrics,
              signal,
            }),
          );
        }
      }
      await mountWebhookEvents(ctx, "stripe", emit, events);
    })();
    return {
      ready,
      done: ready.then(
        () => Promise.all([untilAborted(signal), ...registrations]).then(() => undefined),
        () => undefined,
      ),
    };
  },
});
