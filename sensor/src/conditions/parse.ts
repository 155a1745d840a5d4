// Trigger conditions: boolean expressions over dependency names with &&, || and parentheses, as in Argo.
import { didYouMean, ErrorCodes, ImpulseError } from "@impulse/api";

export type Condition = { kind: "dep"; name: string } | { kind: "and" | "or"; parts: Condition[] };

/** Argo matches names with '-' and '_' treated alike. */
const norm = (name: string) => name.replaceAll("-", "_");

function tokenize(text: string, at: string): string[] {
  const tokens: string[] = [];
  const re = /\s*(&&|\|\||\(|\)|[A-Za-z0-9_-]+)/y;
  let pos = 0;
  while (pos < text.length) {
    if (/^\s*$/.test(text.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.conditions: unexpected "${text.slice(pos).trim()[0]}" at position ${pos + 1} (use dependency names, &&, || and parentheses)`);
    tokens.push(m[1]!);
    pos = re.lastIndex;
  }
  return tokens;
}

/** Parses a conditions string; names resolve to the dependency names as declared. */
export function parseConditions(text: string, depNames: string[], at: string): Condition {
  const byNorm = new Map(depNames.map((d) => [norm(d), d]));
  const tokens = tokenize(text, at);
  let i = 0;
  const fail = (msg: string): never => {
    throw new ImpulseError(ErrorCodes.InvalidSpec, `${at}.conditions: ${msg}`);
  };
  const primary = (): Condition => {
    const t = tokens[i++];
    if (t === undefined) return fail("ends too early");
    if (t === "(") {
      const inner = or();
      if (tokens[i++] !== ")") fail("missing )");
      return inner;
    }
    if (t === "&&" || t === "||" || t === ")") return fail(`unexpected ${t}`);
    const dep = byNorm.get(norm(t));
    if (!dep) return fail(`unknown dependency "${t}"${didYouMean(t, depNames)}`);
    return { kind: "dep", name: dep };
  };
  const and = (): Condition => {
    const parts = [primary()];
    while (tokens[i] === "&&") (i++, parts.push(primary()));
    return parts.length === 1 ? parts[0]! : { kind: "and", parts };
  };
  const or = (): Condition => {
    const parts = [and()];
    while (tokens[i] === "||") (i++, parts.push(and()));
    return parts.length === 1 ? parts[0]! : { kind: "or", parts };
  };
  if (tokens.length === 0) fail("is empty");
  const tree = or();
  if (i < tokens.length) fail(`unexpected ${tokens[i]}`);
  return tree;
}

/** The default condition: every dependency (Argo's AND of all). */
export function allOf(depNames: string[]): Condition {
  return depNames.length === 1 ? { kind: "dep", name: depNames[0]! } : { kind: "and", parts: depNames.map((name) => ({ kind: "dep", name })) };
}

export function evaluate(c: Condition, have: ReadonlySet<string>): boolean {
  if (c.kind === "dep") return have.has(c.name);
  return c.kind === "and" ? c.parts.every((p) => evaluate(p, have)) : c.parts.some((p) => evaluate(p, have));
}

export function dependencyNames(c: Condition, out: string[] = []): string[] {
  if (c.kind === "dep") {
    if (!out.includes(c.name)) out.push(c.name);
  } else c.parts.forEach((p) => dependencyNames(p, out));
  return out;
}

/** True when some single dependency satisfies the condition on its own: no state is needed (Argo's "no &"). */
export function needsState(c: Condition): boolean {
  return dependencyNames(c).some((d) => !evaluate(c, new Set([d])));
}
