// The bitbucketserver EventSource: HMAC-verified Bitbucket Server deliveries become events; repository hooks are registered.
import { BitbucketServerConfig, durationToMs, resolveSecurity } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { hookRegistrar } from "../webhook/hook-registrar.js";
import { hookUrl } from "../webhook/hook-url.js";
import { HttpError } from "../webhook/http-error.js";
import { optionalSecret, startHookedSource } from "../webhook/hooked-source.js";
import { bitbucketServerApi, repoName, type BitbucketServerHook, type RepoRef } from "./api.js";
import { bitbucketServerHooks } from "./hooks.js";

const sameEvents = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

export const bitbucketserver = defineEventSource({
  type: "bitbucketserver",
  configSchema: BitbucketServerConfig,
  strategy: "active-active",
  start(ctx, emit, signal) {
    return startHookedSource(ctx, "bitbucketserver", emit, signal, async (name, cfg) => {
      const secret = await optionalSecret(ctx, name, cfg.webhookSecret, "webhookSecret");
      const tls = cfg.tls ? await resolveSecurity(cfg.tls, undefined, ctx.secrets) : undefined;
      const api = cfg.accessToken
        ? bitbucketServerApi(cfg.bitbucketserverBaseURL, await ctx.secrets(cfg.accessToken), tls?.ssl === undefined ? undefined : tls.ssl === true ? { rejectUnauthorized: true } : tls.ssl)
        : undefined;
      const hasOpenPullRequest =
        cfg.skipBranchRefsChangedOnOpenPR && api
          ? async (projectKey: string, repositorySlug: string, commit: string) => {
              let prs;
              try {
                prs = await api.commitPullRequests({ projectKey, repositorySlug }, commit);
              } catch (e) {
                // Nothing is stored (Argo answers an error too): the change might be one to skip.
                throw new HttpError(502, "upstream", `could not list the pull requests of ${projectKey}/${repositorySlug} commit ${commit}: ${(e as Error).message}`);
              }
              return prs.some((p) => p.state.toUpperCase() === "OPEN");
            }
          : undefined;
      const hooks = bitbucketServerHooks(cfg, secret, { oneEventPerChange: cfg.oneEventPerChange ?? false, hasOpenPullRequest });
      const fixed: RepoRef[] = cfg.repositories?.length ? cfg.repositories : cfg.projectKey && cfg.repositorySlug ? [{ projectKey: cfg.projectKey, repositorySlug: cfg.repositorySlug }] : [];
      if (!api || !cfg.webhook.url || (fixed.length === 0 && !cfg.projects?.length)) return { hooks };
      const url = hookUrl(cfg.webhook.url, cfg.webhook.endpoint);
      // Argo's hook: named "Argo Events"; ours says Impulse. Bitbucket refuses an empty secret, so none is sent then.
      const want: Omit<BitbucketServerHook, "id"> = { name: "Impulse", url, active: true, events: cfg.events, ...(secret ? { configuration: { secret } } : {}) };
      const registrar = hookRegistrar<RepoRef, BitbucketServerHook>({
        // A project's repositories are listed on every check, so a new repository gets the hook too.
        scopes: async () => {
          const all = [...fixed];
          for (const key of cfg.projects ?? []) all.push(...(await api.repositories(key)));
          return all.filter((r, i) => all.findIndex((x) => repoName(x) === repoName(r)) === i);
        },
        scopeName: repoName,
        list: (r) => api.list(r),
        ours: (h) => h.url === url,
        // The secret is compared when the server returns it (Argo does the same).
        matches: (h) => sameEvents(h.events, cfg.events) && h.active !== false && (h.configuration?.secret === undefined || h.configuration.secret === secret),
        idOf: (h) => h.id,
        create: (r) => api.create(r, want),
        update: (r, id) => api.update(r, Number(id), want),
        remove: (r, id) => api.remove(r, Number(id)),
      });
      return {
        hooks,
        registration: {
          registrar,
          deleteOnFinish: cfg.deleteHookOnFinish ?? false,
          // As Argo: checked again every checkInterval (default 1m) while running.
          resyncMs: (cfg.checkInterval && durationToMs(cfg.checkInterval)) || 60_000,
          resyncTimes: Number.POSITIVE_INFINITY,
        },
      };
    });
  },
});
