// The sns EventSource: SNS notifications POSTed to the webhook server become events; the topic is subscribed while it runs.
import type { SNSClient } from "@aws-sdk/client-sns";
import { SNSConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { hookUrl } from "../webhook/hook-url.js";
import { startHookedSource } from "../webhook/hooked-source.js";
import { cachedCerts } from "./certs.js";
import { newSnsClient, type OwnedSnsClient } from "./client.js";
import { snsHooks } from "./hooks.js";
import { snsSubscription, type SubscriptionHolder } from "./subscription.js";

export const sns = defineEventSource({
  type: "sns",
  configSchema: SNSConfig,
  strategy: "active-active",
  start(ctx, emit, signal) {
    const clients: OwnedSnsClient[] = [];
    signal.addEventListener("abort", () => setTimeout(() => clients.forEach((c) => c.destroy()), 15_000).unref(), { once: true });
    // One cache for the EventSource: every event trusts the same certificates.
    const certs = cachedCerts();
    const running = startHookedSource(ctx, "sns", emit, signal, async (name, cfg) => {
      const validateSignature = cfg.validateSignature ?? true;
      if (!validateSignature) ctx.logger.warn({ eventName: name }, "validateSignature is false: messages are not authenticated (anyone reaching the endpoint can send events)");
      const holder: SubscriptionHolder = {};
      const hooks = snsHooks({ topicArn: cfg.topicArn, endpoint: cfg.endpoint, validateSignature, certs, holder });
      let owned: Promise<SNSClient> | undefined;
      const client = () =>
        (owned ??= newSnsClient(cfg, ctx.secrets, ctx.eventSourceName, name).then((c) => {
          clients.push(c);
          return c.client;
        })).catch((e: unknown) => {
          owned = undefined;
          throw e;
        });
      const registrar = snsSubscription(client, cfg.topicArn, hookUrl(cfg.webhook.url!, cfg.webhook.endpoint), holder);
      // Subscribed again every minute (Subscribe is idempotent): another replica, or the old pod of a rolling update,
      // unsubscribes when it stops, as Argo does; the subscription comes back within a minute (SNS confirms it again).
      return { hooks, registration: { registrar, deleteOnFinish: true, resyncMs: 60_000, resyncTimes: Number.POSITIVE_INFINITY, noun: "topic subscription" } };
    });
    return { ready: running.ready, done: running.done.finally(() => clients.forEach((c) => c.destroy())) };
  },
});
