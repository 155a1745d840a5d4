// The gitlab EventSource: GitLab deliveries checked against the secret token become events; project/group hooks are registered.
import { GITLAB_EVENTS, GitlabConfig, type GitlabEventName } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { mountWebhookEvents, untilAborted, type WebhookEvent } from "../webhook/family.js";
import { hookRegistrar } from "../webhook/hook-registrar.js";
import { hookUrl } from "../webhook/hook-url.js";
import { runRegistration } from "../webhook/registration.js";
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
    const registrations: Promise<void>[] = [];
    const ready = (async () => {
      const events: WebhookEvent[] = [];
      for (const [name, cfg] of ctx.events) {
        const secret = cfg.secretToken ? await ctx.secrets(cfg.secretToken) : undefined;
        if (!secret) ctx.logger.warn({ eventName: name }, "no secretToken: deliveries are not authenticated (anyone reaching the endpoint can send events)");
        const { metadata: _m, ...context } = cfg.webhook;
        events.push({ eventName: name, webhook: cfg.metadata ? { ...context, metadata: cfg.metadata } : context, path: `spec.gitlab.${name}.webhook`, hooks: gitlabHooks(cfg, secret) });
        if (!cfg.accessToken || !cfg.webhook.url) continue;
        const api = gitlabApi(cfg.gitlabBaseURL || DEFAULT_GITLAB_URL, await ctx.secrets(cfg.accessToken));
        const url = hookUrl(cfg.webhook.url, cfg.webhook.endpoint);
        const scopes: GitlabScope[] = [
          ...(cfg.projects?.length ? cfg.projects : cfg.projectID ? [cfg.projectID] : []).map((project) => ({ project })),
          ...(cfg.groups ?? []).map((group) => ({ group })),
        ];
        const want = (s: GitlabScope) => wantedGitlabHook(cfg, "group" in s);
        const body = (s: GitlabScope) => ({ url, ...want(s), ...(secret ? { token: secret } : {}) });
        registrations.push(
          runRegistration({
            eventSourceName: ctx.eventSourceName,
            eventName: name,
            registrar: hookRegistrar<GitlabScope, GitlabHook>({
              scopes,
              scopeName: gitlabScopeName,
              list: (s) => api.list(s),
              ours: (h) => h.url === url,
              matches: (h, s) => hookMatches(h, want(s)),
              idOf: (h) => h.id,
              create: (s) => api.create(s, body(s)),
              update: (s, id) => api.update(s, Number(id), body(s)),
              remove: (s, id) => api.remove(s, Number(id)),
            }),
            deleteOnFinish: cfg.deleteHookOnFinish ?? false,
            health: (s) => ctx.health(name, s),
            logger: ctx.logger,
            metrics: ctx.metrics,
            signal,
          }),
        );
      }
      await mountWebhookEvents(ctx, "gitlab", emit, events);
    })();
    return { ready, done: ready.then(() => Promise.all([untilAborted(signal), ...registrations]).then(() => undefined), () => undefined) };
  },
});
