// Which dependencies a trigger listens to, from template.conditions (names, ||, parentheses).
// Combining dependencies with && needs condition state in the bus KV: that arrives with the engine issue.
import { ErrorCodes, ImpulseError } from "@impulse/api";

const norm = (name: string) => name.replaceAll("-", "_");

/** Returns the dependency names a trigger fires on; each fires it on its own. */
export function triggerDependencies(conditions: string | undefined, depNames: string[], at: string): string[] {
  if (!conditions?.trim()) {
    if (depNames.length > 1)
      throw new ImpulseError(ErrorCodes.UnsupportedFeature, `${at}: without conditions a trigger waits for all ${depNames.length} dependencies together, which is not supported yet; set conditions: "${depNames.join(" || ")}" to fire on each`);
    return depNames;
  }
  if (conditions.includes("&")) throw new ImpulseError(ErrorCodes.UnsupportedFeature, `${at}.conditions: && is not supported yet; use || between dependencies`);
  const byNorm = new Map(depNames.map((d) => [norm(d), d]));
  const names = conditions
    .replace(/[()]/g, " ")
    .split("||")
    .map((s) => s.trim());
  const out: string[] = [];
  for (const n of names) {
    if (!/^[A-Za-z0-9_-]+$/.test(n)) throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.conditions: "${n}" is not a dependency name (expected names joined by ||)`);
    const dep = byNorm.get(norm(n));
    if (!dep) throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.conditions: unknown dependency "${n}"`);
    if (!out.includes(dep)) out.push(dep);
  }
  return out;
}
