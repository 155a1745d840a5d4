// Dependency transforms (Argo's `transform.jq` / `transform.script`): run before the filters, and the
// transformed event is what the filters and the triggers see.
import type { EventDependency, ImpulseEvent } from "@impulse/api";
import { JqProgram, LuaScript, type SandboxedScript } from "./script/sandbox.js";

export type Transform = (data: unknown) => Promise<unknown>;

export function compileTransform(dep: EventDependency): { transform?: Transform; program?: SandboxedScript } {
  const t = dep.transform;
  if (t?.jq) {
    const program = new JqProgram(t.jq);
    return {
      program,
      transform: async (data) => {
        const out = await program.run(data);
        if (out === null || typeof out !== "object" || Array.isArray(out)) throw new Error(`jq must produce an object, got ${JSON.stringify(out)}`);
        return out;
      },
    };
  }
  if (t?.script) {
    const lua = new LuaScript(t.script);
    return {
      program: lua,
      transform: async (data) => {
        const out = await lua.run(data);
        if (out === null || typeof out !== "object") throw new Error(`script must return a table, got ${JSON.stringify(out ?? null)}`);
        return out;
      },
    };
  }
  return {};
}

/** The event as filters and triggers see it: transformed when the dependency has a transform. */
export async function applyTransform(
  dep: { transform?: Transform | undefined },
  event: ImpulseEvent,
): Promise<{ event: ImpulseEvent } | { failed: string }> {
  if (!dep.transform) return { event };
  try {
    return { event: { ...event, data: await dep.transform(event.data) } };
  } catch (e) {
    return { failed: `transform failed: ${(e as Error).message}` };
  }
}
