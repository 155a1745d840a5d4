// Registers one GitHub event's hook on each repository and organization: create if missing, update if changed, else leave.
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
  // Hook ids by scope, as found or created; deleted on stop with deleteHookOnFinish.
  const ids = new Map<string, { scope: HookScope; id: number }>();
  return {
    async ensure() {
      const failures: string[] = [];
      for (const scope of scopes) {
        try {
          const hooks = await api.list(scope);
          const have = hooks.find((h) => h.config.url === want.config.url);
          let id: number;
          if (!have) id = (await api.create(scope, want)).id;
          else if (!hookMatches(have, want)) id = (await api.update(scope, have.id, want)).id;
          else id = have.id;
          ids.set(scopeName(scope), { scope, id });
        } catch (e) {
          failures.push(`${scopeName(scope)}: ${(e as Error).message}`);
        }
      }
      // One scope failing does not keep the others unregistered; the error names every failing one.
      if (failures.length) throw new Error(failures.join("; "));
    },
    async remove() {
      const failures: string[] = [];
      for (const [name, { scope, id }] of ids) {
        try {
          await api.remove(scope, id);
          ids.delete(name);
        } catch (e) {
          failures.push(`${name}: ${(e as Error).message}`);
        }
      }
      if (failures.length) throw new Error(failures.join("; "));
    },
  };
}
