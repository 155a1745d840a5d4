// Keeps the `hookName` remote of every project pointing at this endpoint with the wanted events (create, adopt, update, delete).
import type { Registrar } from "../webhook/registration.js";
import type { GerritApi, RemoteInfo } from "./api.js";

const sameSet = (a: string[] = [], b: string[] = []) => a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

/** Whether an existing remote already is what we would PUT (unset fields compare as the plugin's defaults). */
export function remoteMatches(have: RemoteInfo, want: RemoteInfo): boolean {
  return have.url === want.url && sameSet(have.events, want.events) && (have.sslVerify ?? false) === (want.sslVerify ?? false) && (have.maxTries ?? 0) === (want.maxTries ?? 0);
}

export function gerritRegistrar(api: GerritApi, projects: string[], hookName: string, want: RemoteInfo): Registrar {
  const mine = new Set<string>();
  return {
    async ensure() {
      const failures: string[] = [];
      // One project failing (no permission, gone) must not keep the others unhooked: each is tried, errors collected.
      for (const p of projects) {
        try {
          const have = (await api.list(p))[hookName];
          if (!have || !remoteMatches(have, want)) await api.put(p, hookName, want);
          mine.add(p);
        } catch (e) {
          failures.push(`${p}: ${(e as Error).message}`);
        }
      }
      if (failures.length) throw new Error(failures.join("; "));
    },
    async remove() {
      const failures: string[] = [];
      for (const p of mine) await api.remove(p, hookName).catch((e: Error) => failures.push(`${p}: ${e.message}`));
      if (failures.length) throw new Error(failures.join("; "));
    },
  };
}
