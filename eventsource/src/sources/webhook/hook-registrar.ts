// A Registrar for vendors whose hooks are listed, created, updated and deleted per scope (repository, project, group...).
import type { Registrar } from "./registration.js";

export interface HookOps<S, H> {
  /** Every scope to hook, or a function finding them on each check (e.g. a project's repositories). */
  scopes: readonly S[] | (() => Promise<readonly S[]>);
  /** A name for messages ("acme/shop", "group 12"). */
  scopeName(s: S): string;
  /** The scope's hooks (all pages). */
  list(s: S): Promise<H[]>;
  /** Whether a listed hook is ours (same delivery URL). */
  ours(h: H): boolean;
  /** Whether our hook already has the wanted settings (vendors never return secrets: they are not compared). */
  matches(h: H, s: S): boolean;
  idOf(h: H): string | number;
  create(s: S): Promise<H>;
  update(s: S, id: string | number): Promise<unknown>;
  remove(s: S, id: string | number): Promise<void>;
}

/** Creates a missing hook, updates a changed one, leaves a matching one; remove() deletes what it created or adopted. */
export function hookRegistrar<S, H>(ops: HookOps<S, H>): Registrar {
  const ids = new Map<string, { scope: S; id: string | number }>();
  return {
    async ensure() {
      const failures: string[] = [];
      const scopes = typeof ops.scopes === "function" ? await ops.scopes() : ops.scopes;
      for (const scope of scopes) {
        try {
          const have = (await ops.list(scope)).find((h) => ops.ours(h));
          let id: string | number;
          if (!have) id = ops.idOf(await ops.create(scope));
          else {
            id = ops.idOf(have);
            if (!ops.matches(have, scope)) await ops.update(scope, id);
          }
          ids.set(ops.scopeName(scope), { scope, id });
        } catch (e) {
          failures.push(`${ops.scopeName(scope)}: ${(e as Error).message}`);
        }
      }
      // One scope failing does not keep the others unregistered; the error names every failing one.
      if (failures.length) throw new Error(failures.join("; "));
    },
    async remove() {
      const failures: string[] = [];
      for (const [name, { scope, id }] of ids) {
        try {
          await ops.remove(scope, id);
          ids.delete(name);
        } catch (e) {
          failures.push(`${name}: ${(e as Error).message}`);
        }
      }
      if (failures.length) throw new Error(failures.join("; "));
    },
  };
}
