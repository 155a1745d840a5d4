// The github EventSource: verified GitHub deliveries become events; with credentials, the repository/org hooks are registered.
import { GithubConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { hookUrl } from "../webhook/hook-url.js";
import { optionalSecret, startHookedSource } from "../webhook/hooked-source.js";
import { githubApi, type HookScope } from "./api.js";
import { installationToken } from "./app-auth.js";
import { githubHooks } from "./hooks.js";
import { githubRegistrar } from "./registrar.js";

export const DEFAULT_GITHUB_API = "https://api.github.com/";

/** Repositories (and Argo's deprecated owner/repository pair) and organizations to hook. */
function scopes(cfg: GithubConfig): HookScope[] {
  const out: HookScope[] = [];
  for (const r of cfg.repositories ?? []) for (const repo of r.names) out.push({ owner: r.owner, repo });
  if (!cfg.repositories?.length && cfg.owner && cfg.repository) out.push({ owner: cfg.owner, repo: cfg.repository });
  for (const org of cfg.organizations ?? []) out.push({ org });
  return out;
}

export const github = defineEventSource({
  type: "github",
  configSchema: GithubConfig,
  strategy: "active-active",
  start(ctx, emit, signal) {
    return startHookedSource(ctx, "github", emit, signal, async (name, cfg) => {
      const secret = await optionalSecret(ctx, name, cfg.webhookSecret, "webhookSecret");
      const hooks = githubHooks(cfg, secret);
      if (!(cfg.apiToken || cfg.githubApp) || !cfg.webhook.url) return { hooks };
      const base = cfg.githubBaseURL ?? DEFAULT_GITHUB_API;
      const app = cfg.githubApp;
      const token = app
        ? installationToken(base, app.appID, app.installationID, await ctx.secrets(app.privateKey))
        : await ctx.secrets(cfg.apiToken!).then((t) => () => Promise.resolve(t));
      const registrar = githubRegistrar(githubApi(base, token), scopes(cfg), {
        active: cfg.active ?? false,
        events: cfg.events,
        config: {
          url: hookUrl(cfg.webhook.url, cfg.webhook.endpoint),
          insecure_ssl: cfg.insecure ? "1" : "0",
          ...(cfg.contentType ? { content_type: cfg.contentType } : {}),
          ...(secret ? { secret } : {}),
        },
      });
      return { hooks, registration: { registrar, deleteOnFinish: cfg.deleteHookOnFinish ?? false } };
    });
  },
});
