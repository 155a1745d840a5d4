// The gitlab EventSource: GitLab deliveries checked against the secret token become events; project/group hooks are registered.
import { GITLAB_EVENTS, GitlabConfig, type GitlabEventName } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { hookRegistrar } from "../webhook/hook-registrar.js";
import { hookUrl } from "../webhook/hook-url.js";
import { optionalSecret, startHookedSource } from "../webhook/hooked-source.js";
import { gitlabApi, gitlabScopeName, type GitlabHook, type GitlabScope } from "./api.js";
import { gitlabHooks } from "./hooks.js";

export const DEFAULT_GITLAB_URL = "https://gitlab.com";

/** The hook attributes: every known event flag explicitly (GitLab's own default turns push on), as Argo sends them. */
export function wantedGitlabHook(cfg: GitlabConfig, group: boolean): Record<string, boolean> {
  const out: Record<string, boolean> = { enable_ssl_verification: cfg.enableSSLVerification ?? false };
  // Group-only flags are sent to groups only.
  const groupOnly = new Set<GitlabEventName>(["MemberEvents", "SubGroupEvents", "ProjectEvents"]);
  for (const [name, [field]] of Object.entries(GITLAB_EVENTS) as [GitlabEventName, readonly [string, string]][])
    if (group || !groupOnly.has(name) || cfg.events.includes(name)) out[field] = cfg.events.includes(name);
  return out;
}

const hookMatches = (h: GitlabHook, want: Record<string, boolean>) => Object.entries(want).every(([k, v]) => (h[k] ?? false) === v);

export const gitlab = defineEventSource({
  type: "gitlab",
  configSchema: GitlabConfig,
  strategy: "active-active",
  start(ctx, emit, signal) {
    return startHookedSource(ctx, "gitlab", emit, signal, async (name, cfg) => {
      const secret = await optionalSecret(ctx, name, cfg.secretToken, "secretToken");
      const hooks = gitlabHooks(cfg, secret);
      if (!cfg.accessToken || !cfg.webhook.url) return { hooks };
      const api = gitlabApi(cfg.gitlabBaseURL || DEFAULT_GITLAB_URL, await ctx.secrets(cfg.accessToken));
      const url = hookUrl(cfg.webhook.url, cfg.webhook.endpoint);
      const scopes: GitlabScope[] = [
        ...(cfg.projects?.length ? cfg.projects : cfg.projectID ? [cfg.projectID] : []).map((project) => ({ project })),
        ...(cfg.groups ?? []).map((group) => ({ group })),
      ];
      const want = (s: GitlabScope) => wantedGitlabHook(cfg, "group" in s);
      const body = (s: GitlabScope) => ({ url, ...want(s), ...(secret ? { token: secret } : {}) });
      const registrar = hookRegistrar<GitlabScope, GitlabHook>({
        scopes,
        scopeName: gitlabScopeName,
        list: (s) => api.list(s),
        ours: (h) => h.url === url,
        matches: (h, s) => hookMatches(h, want(s)),
        idOf: (h) => h.id,
        create: (s) => api.create(s, body(s)),
        update: (s, id) => api.update(s, Number(id), body(s)),
        remove: (s, id) => api.remove(s, Number(id)),
      });
      return { hooks, registration: { registrar, deleteOnFinish: cfg.deleteHookOnFinish ?? false } };
    });
  },
});
