// Transition filters: "entered state X" on a resource event, comparing a field of body with the same field of oldBody.
import { compilePath, ErrorCodes, ImpulseError, parseTransition, resultString, type Transition } from "@impulse/api";
import { PASS, type CompiledFilter, type FilterResult } from "./types.js";

type Read = (root: unknown) => string | undefined;

function reader(path: string): Read {
  const read = compilePath(path);
  return (root) => {
    if (root === null || typeof root !== "object") return undefined;
    const r = read(root);
    return r.exists && r.value !== null ? resultString(r.value) : undefined;
  };
}

/** Did this transition happen between old and now? No `from`: any old value other than the new one, or none; `*`: any other old value; no `to` (`*`): any new value. */
export function happened(t: Pick<Transition, "from" | "to">, old: string | undefined, now: string | undefined): boolean {
  if (now === undefined || (t.to.length > 0 && !t.to.includes(now))) return false;
  if (t.from.length === 0) return old !== now;
  if (t.from.length === 1 && t.from[0] === "*") return old !== undefined && old !== now;
  return old !== undefined && t.from.includes(old);
}

/**
 * Passes when one of the transitions happened. `data.body` is the object now and `data.oldBody` the version before
 * (null on ADD: the old value is missing, so only a transition without `from` can pass). A DELETE never passes: the
 * object left every state rather than entering one.
 */
export function compileTransitions(list: string[], at: string): CompiledFilter {
  const compiled = list.map((text, i) => {
    const t = parseTransition(text);
    if (typeof t === "string") throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.transitions[${i}]: ${t}`);
    return { ...t, text, read: reader(t.path) };
  });
  return (event): FilterResult => {
    const data = event.data as { type?: unknown; body?: unknown; oldBody?: unknown } | null | undefined;
    if (!data || typeof data !== "object" || data.body === undefined)
      return { pass: false, error: true, reason: "transitions: the event has no body (transitions read resource events: body and oldBody)" };
    if (data.type === "DELETE") return { pass: false, reason: "transitions: a DELETE enters no state" };
    const seen: string[] = [];
    for (const c of compiled) {
      const old = c.read(data.oldBody);
      const now = c.read(data.body);
      if (happened(c, old, now)) return PASS;
      seen.push(`${c.path} ${old ?? "(none)"} -> ${now ?? "(none)"}`);
    }
    return { pass: false, reason: `transitions: none happened (${seen.join("; ")})` };
  };
}
