// Registers one GitHub event's hook on each repository and organization: create if missing, update if changed, else leave.
import { hookRegistrar } from "../webhook/hook-registrar.js";
import type { Registrar } from "../webhook/registration.js";
import { scopeName, type GithubApi, type GithubHook, type HookScope } from "./api.js";

export type WantedHook = Omit<GithubHook, "id">;

const sameEvents = (a: readonly string[], b: readonly string[]) =>
  (a.includes("*") && b.includes("*")) || (a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]));

/**
 * A hook is ours when its config.url is the wanted URL. It matches when events, active, content_type and insecure_ssl
 * are as wanted. GitHub never returns the secret, so a changed secret alone is not seen: rotate it by changing the
 * hook too (or deleting it; it is recreated).
 */
export function hookMatches(have: GithubHook, want: WantedHook): boolean {
  return (
    sameEvents(have.events, want.events) &&
    have.active === want.active &&
    (have.config.content_type ?? "form") === (want.config.content_type ?? "form") &&
    String(have.config.insecure_ssl ?? "0") === String(want.config.insecure_ssl ?? "0")
  );
}

export function githubRegistrar(api: GithubApi, scopes: readonly HookScope[], want: WantedHook): Registrar {
  return hookRegistrar<HookScope, GithubHook>({
    scopes,
    scopeName,
    list: (s) => api.list(s),
    ours: (h) => h.config.url === want.config.url,
    matches: (h) => hookMatches(h, want),
    idOf: (h) => h.id,
    create: (s) => api.create(s, want),
    update: (s, id) => api.update(s, Number(id), want),
    remove: (s, id) => api.remove(s, Number(id)),
  });
}
