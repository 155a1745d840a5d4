// Every user-supplied regular expression goes through here: RE2 syntax (as Argo's Go), linear-time matching (no ReDoS).
import { RE2JS } from "re2js";

/**
 * A compiled RE2 pattern. re2js is a pure-JS port of RE2/J: matching time is linear in the input whatever the
 * pattern, unlike JavaScript's backtracking RegExp (`^(a+)+$` against 31 characters took seconds there).
 */
export type Regex = RE2JS;

export class RegexSyntaxError extends Error {}

/** Patterns compiled so far; bounded, so distinct patterns from events cannot grow it without limit. */
const MAX_CACHED = 1024;

interface Compiled {
  re: Regex;
  test: (s: string) => boolean;
}

/**
 * Compiling is pure (same pattern, same program), so one bounded memo for the process is safe to share: it holds
 * no state a caller can observe. Data filters compile once at start; expressions and template functions whose
 * pattern is only known per event hit this cache instead of recompiling for each event.
 */
const cache = new Map<string, Compiled>();

function compiled(pattern: string): Compiled {
  let c = cache.get(pattern);
  if (c) return c;
  let re: Regex;
  try {
    re = RE2JS.compile(pattern);
  } catch (e) {
    throw new RegexSyntaxError(regexMessage(e));
  }
  c = { re, test: literalTest(pattern) ?? ((s) => re.test(s)) };
  if (cache.size >= MAX_CACHED) cache.delete(cache.keys().next().value!);
  cache.set(pattern, c);
  return c;
}

/** Compiles an RE2 pattern (cached); throws RegexSyntaxError with RE2's message (e.g. "missing closing ): `(a`"). */
export function compileRegex(pattern: string): Regex {
  return compiled(pattern).re;
}

/**
 * An unanchored boolean match (Go's MatchString), for filters. Literal patterns, optionally anchored (`^EUR$`,
 * `prod`, `^refs/heads/`), are the usual filter values: they become string comparisons with the same answer
 * (without the m flag RE2's ^ and $ are the ends of the text), which re2js's general engine runs ~20 times slower.
 */
export function compileRegexTest(pattern: string): (s: string) => boolean {
  return compiled(pattern).test;
}

/** No metacharacter between an optional ^ and an optional $: the pattern matches exactly that text. */
const LITERAL = /^(\^?)([^\\.+*?()|[\]{}^$]*)(\$?)$/;

function literalTest(pattern: string): ((s: string) => boolean) | undefined {
  const m = LITERAL.exec(pattern);
  if (!m) return undefined;
  const [, start, text, end] = m as unknown as [string, string, string, string];
  if (start && end) return (s) => s === text;
  if (start) return (s) => s.startsWith(text);
  if (end) return (s) => s.endsWith(text);
  return (s) => s.includes(text);
}

/** Why RE2 refuses this pattern, or undefined when it compiles: for validation, which reports it with the path. */
export function regexProblem(pattern: string): string | undefined {
  try {
    compileRegex(pattern);
    return undefined;
  } catch (e) {
    return (e as Error).message;
  }
}

function regexMessage(e: unknown): string {
  const m = e instanceof Error ? e.message : String(e);
  // re2js says "error parsing regexp: missing closing ): `(a`", as Go does; keep it, it names the offending part.
  return `invalid RE2 regular expression: ${m.replace(/^error parsing regexp: /, "")}`;
}

/** Escapes every metacharacter (Go's regexp.QuoteMeta): the text matches itself. */
export function quoteRegex(text: string): string {
  return text.replace(/[\\.+*?()|[\]{}^$]/g, "\\$&");
}

/**
 * Go's non-overlapping successive matches (FindAllStringIndex): an empty match right where the previous match
 * ended is skipped, where JavaScript's matchAll would report it.
 */
export function* goMatches(re: Regex, s: string, limit = -1): Generator<RegExpMatchArray> {
  let prevEnd = -1;
  let n = 0;
  for (const m of re.matchAll(s)) {
    if (limit >= 0 && n >= limit) return;
    const end = m.index! + m[0].length;
    if (m[0].length === 0 && m.index === prevEnd) continue;
    prevEnd = end;
    n++;
    yield m;
  }
}

/**
 * Go's Regexp.Expand template: $1, ${1}, $name, ${name}; a name is the longest run of letters, digits and _, so
 * `$1x` is the group named "1x" (empty); an unknown or unmatched group is empty; $$ is a literal $.
 */
export function expandGo(template: string, m: RegExpMatchArray): string {
  let out = "";
  for (let i = 0; i < template.length; i++) {
    const c = template[i]!;
    if (c !== "$" || i + 1 >= template.length) {
      out += c;
      continue;
    }
    if (template[i + 1] === "$") {
      out += "$";
      i++;
      continue;
    }
    const braced = template[i + 1] === "{";
    const start = i + (braced ? 2 : 1);
    let end = start;
    while (end < template.length && /[A-Za-z0-9_]/.test(template[end]!)) end++;
    if (end === start || (braced && template[end] !== "}")) {
      out += "$"; // malformed: the $ is plain text, as in Go
      continue;
    }
    const name = template.slice(start, end);
    const value = /^\d+$/.test(name) ? m[Number(name)] : m.groups?.[name];
    out += value ?? "";
    i = braced ? end : end - 1;
  }
  return out;
}

/** Go's ReplaceAllString (expand = true) or ReplaceAllLiteralString (expand = false). */
export function replaceAllGo(re: Regex, s: string, replacement: string, expand: boolean): string {
  let out = "";
  let last = 0;
  for (const m of goMatches(re, s)) {
    out += s.slice(last, m.index) + (expand ? expandGo(replacement, m) : replacement);
    last = m.index! + m[0].length;
  }
  return out + s.slice(last);
}
