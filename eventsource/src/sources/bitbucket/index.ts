// The bitbucket (Cloud) EventSource: deliveries become events (HMAC-verified with webhookSecret); repository hooks are registered.
import { BitbucketConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { bitbucketServerHooks } from "../bitbucketserver/hooks.js";
import { headerValue, type RouteHooks } from "../webhook/hooks.js";
import { hookRegistrar } from "../webhook/hook-registrar.js";
import { hookUrl } from "../webhook/hook-url.js";
import { optionalSecret, startHookedSource } from "../webhook/hooked-source.js";
import { bitbucketApi, cloudRepoName, type BitbucketHook, type CloudRepo } from "./api.js";

export const DEFAULT_BITBUCKET_API = "https://api.bitbucket.org/2.0/";
const ID = /^[\x21-\x7e]{1,128}$/;
const sameEvents = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

/** Bitbucket Cloud signs like Bitbucket Server (X-Hub-Signature: sha256=...) and names the event in X-Event-Key; its request id is X-Request-UUID. */
function cloudHooks(cfg: BitbucketConfig, secret: string | undefined): RouteHooks {
  const { eventId: _e, ...shared } = bitbucketServerHooks(cfg, secret);
  return {
    ...shared,
    eventId(d) {
      const id = headerValue(d, "X-Request-UUID");
      return id !== undefined && ID.test(id) ? id : undefined;
    },
  };
}

export const bitbucket = defineEventSource({
  type: "bitbucket",
  configSchema: BitbucketConfig,
  strategy: "active-active",
  start(ctx, emit, signal) {
    return startHookedSource(ctx, "bitbucket", emit, signal, async (name, cfg) => {
      const secret = await optionalSecret(ctx, name, cfg.webhookSecret, "webhookSecret");
      const hooks = cloudHooks(cfg, secret);
      if (!cfg.auth || !cfg.webhook.url) return { hooks };
      const authorization = cfg.auth.basic
        ? `Basic ${Buffer.from(`${await ctx.secrets(cfg.auth.basic.username)}:${await ctx.secrets(cfg.auth.basic.password)}`).toString("base64")}`
        : `Bearer ${await ctx.secrets(cfg.auth.oauthToken!)}`;
      const api = bitbucketApi(cfg.bitbucketBaseURL ?? DEFAULT_BITBUCKET_API, authorization);
      const url = hookUrl(cfg.webhook.url, cfg.webhook.endpoint);
      const repos: CloudRepo[] = cfg.repositories?.length ? cfg.repositories : [{ owner: cfg.owner!, repositorySlug: cfg.repositorySlug! }];
      const want = { description: "webhook managed by Impulse", url, active: true, events: cfg.events, ...(secret ? { secret } : {}) };
      const registrar = hookRegistrar<CloudRepo, BitbucketHook>({
        scopes: repos,
        scopeName: cloudRepoName,
        list: (r) => api.list(r),
        ours: (h) => h.url === url,
        matches: (h) => sameEvents(h.events, cfg.events) && h.active !== false,
        idOf: (h) => h.uuid,
        create: (r) => api.create(r, want),
        update: (r, id) => api.update(r, String(id), want),
        remove: (r, id) => api.remove(r, String(id)),
      });
      return { hooks, registration: { registrar, deleteOnFinish: cfg.deleteHookOnFinish ?? false } };
    });
  },
});
