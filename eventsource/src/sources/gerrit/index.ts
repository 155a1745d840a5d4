// The gerrit EventSource: deliveries of Gerrit's webhooks plugin become events; the plugin's remote is registered per project.
import { createHash } from "node:crypto";
import { GerritConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { parseJsonBody } from "../webhook/body.js";
import { hookUrl } from "../webhook/hook-url.js";
import type { RouteHooks } from "../webhook/hooks.js";
import { startHookedSource } from "../webhook/hooked-source.js";
import { gerritApi, type RemoteInfo } from "./api.js";
import { gerritRegistrar } from "./registrar.js";

export function gerritHooks(events: string[]): RouteHooks {
  const wanted = events.length ? new Set(events) : undefined;
  return {
    headersField: "headers",
    // Gerrit posts JSON whatever the content type; Argo stores the raw JSON.
    body: (d) => parseJsonBody(d.raw),
    select(d) {
      if (!wanted) return undefined;
      let type: unknown;
      try {
        type = (JSON.parse(d.raw.toString("utf8")) as { type?: unknown } | null)?.type;
      } catch {
        return undefined; // the body hook answers 400
      }
      return typeof type === "string" && wanted.has(type) ? undefined : `event type '${String(type)}' is not in events`;
    },
    // The plugin gives no delivery id; it retries a failed delivery with the same body, so the body names the event.
    eventId: (d) => `gerrit-${createHash("sha256").update(d.raw).digest("hex").slice(0, 32)}`,
  };
}

export const gerrit = defineEventSource({
  type: "gerrit",
  configSchema: GerritConfig,
  strategy: "active-active",
  start(ctx, emit, signal) {
    return startHookedSource(ctx, "gerrit", emit, signal, async (name, cfg) => {
      if (!cfg.webhook.authSecret)
        ctx.logger.warn({ eventName: name }, "Gerrit does not sign deliveries: anyone reaching the endpoint can send events (keep it internal, or set webhook.authSecret behind an authenticating proxy)");
      const hooks = gerritHooks(cfg.events);
      if (!cfg.webhook.url) {
        ctx.logger.info({ eventName: name }, "no webhook.url: the Gerrit remote is not registered");
        return { hooks };
      }
      // As Argo sends it: events, sslVerify and maxTries only when set.
      const want: RemoteInfo = {
        url: hookUrl(cfg.webhook.url, cfg.webhook.endpoint),
        ...(cfg.events.length ? { events: cfg.events } : {}),
        ...(cfg.sslVerify ? { sslVerify: true } : {}),
        ...(cfg.maxTries ? { maxTries: cfg.maxTries } : {}),
      };
      const api = gerritApi(cfg.gerritBaseURL, await ctx.secrets(cfg.auth.username), await ctx.secrets(cfg.auth.password));
      return { hooks, registration: { registrar: gerritRegistrar(api, cfg.projects, cfg.hookName, want), deleteOnFinish: cfg.deleteHookOnFinish ?? false } };
    });
  },
});
