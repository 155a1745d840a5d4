// Context filter: exact match on the event's type, subject, source and datacontenttype.
import type { ContextFilter } from "@impulse/api";
import { PASS, type CompiledFilter } from "./types.js";

export function compileContextFilter(f: ContextFilter): CompiledFilter {
  const checks = (["type", "subject", "source", "datacontenttype"] as const).filter((k) => f[k]).map((k) => [k, f[k]!] as const);
  return (event) => {
    for (const [k, want] of checks) if (event[k] !== want) return { pass: false, reason: `context ${k} is ${JSON.stringify(event[k])}, not ${JSON.stringify(want)}` };
    return PASS;
  };
}
