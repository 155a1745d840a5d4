// Template functions: Go's builtins and the sprig functions Argo users write, with Go/sprig behaviour.
import { compileRegex, compileRegexTest, goMatches, quoteRegex, replaceAllGo, type Regex } from "@impulse/api";
import { formatGo, formatGoFloat } from "./format.js";

export class TemplateExecError extends Error {}

/** Go's truth: false, 0, nil, and empty strings, slices and maps are false. */
export function truthy(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === "") return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.keys(v).length > 0;
  return true;
}

function toStr(v: unknown): string {
  return typeof v === "string" ? v : v === undefined || v === null ? "" : formatGo(v);
}

/** A Go `string` parameter: anything else is a type error, as text/template reports it. */
function S(v: unknown): string {
  if (typeof v !== "string") throw new TemplateExecError(`wrong type for value; expected string; got ${v === undefined || v === null ? "nil" : Array.isArray(v) ? "slice" : typeof v === "number" ? "float64" : typeof v}`);
  return v;
}

function toNumber(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") {
    const n = Number(v.trim());
    return Number.isNaN(n) ? 0 : n;
  }
  return 0;
}

function compare(a: unknown, b: unknown, name: string): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "string" && typeof b === "string") return a < b ? -1 : a > b ? 1 : 0;
  throw new TemplateExecError(`${name}: incompatible types for comparison`);
}

function deepEqual(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** A small printf: %v %s %d %f %q %t %x %%, with widths/precision for %f and %d. */
export function goSprintf(format: string, args: unknown[]): string {
  let i = 0;
  return format.replace(/%([-+ 0#]*)(\d*)(?:\.(\d+))?([vsdfqtxXeg%])/g, (_m, _flags: string, width: string, prec: string | undefined, verb: string) => {
    if (verb === "%") return "%";
    if (i >= args.length) return `%!${verb}(MISSING)`;
    const a = args[i++];
    let out: string;
    switch (verb) {
      case "d":
        out = typeof a === "number" ? String(Math.trunc(a)) : `%!d(${typeof a}=${formatGo(a)})`;
        break;
      case "f":
        out = typeof a === "number" ? a.toFixed(prec === undefined ? 6 : Number(prec)) : `%!f(${typeof a}=${formatGo(a)})`;
        break;
      case "e":
      case "g":
        out = typeof a === "number" ? (verb === "g" ? formatGoFloat(a) : a.toExponential(prec === undefined ? 6 : Number(prec))) : formatGo(a);
        break;
      case "q":
        out = JSON.stringify(toStr(a));
        break;
      case "x":
      case "X":
        out = typeof a === "number" ? Math.trunc(a).toString(16) : Buffer.from(toStr(a)).toString("hex");
        if (verb === "X") out = out.toUpperCase();
        break;
      default:
        out = formatGo(a);
    }
    return width ? out.padStart(Number(width)) : out;
  });
}

type Fn = (...args: unknown[]) => unknown;

function goDate(format: string, d: Date): string {
  // Go's reference-time layout: 2006-01-02 15:04:05 (UTC).
  const p = (n: number, w = 2) => String(n).padStart(w, "0");
  const map: [string, string][] = [
    ["2006", String(d.getUTCFullYear())], ["01", p(d.getUTCMonth() + 1)], ["02", p(d.getUTCDate())],
    ["15", p(d.getUTCHours())], ["04", p(d.getUTCMinutes())], ["05", p(d.getUTCSeconds())],
    ["MST", "UTC"], ["Z07:00", "Z"], ["-0700", "+0000"],
  ];
  let out = "";
  for (let i = 0; i < format.length; ) {
    const hit = map.find(([k]) => format.startsWith(k, i));
    if (hit) {
      out += hit[1];
      i += hit[0].length;
    } else out += format[i++];
  }
  return out;
}

function toDate(v: unknown): Date {
  if (v instanceof Date) return v;
  if (typeof v === "number") return new Date(v * 1000);
  if (typeof v === "string") return new Date(v);
  throw new TemplateExecError("date: expected a time");
}

export const FUNCTIONS: Record<string, Fn> = {
  // Go builtins
  and: (...a) => a.find((x) => !truthy(x)) ?? a[a.length - 1],
  or: (...a) => a.find((x) => truthy(x)) ?? a[a.length - 1],
  not: (a) => !truthy(a),
  eq: (a, ...b) => b.some((x) => deepEqual(a, x)),
  ne: (a, b) => !deepEqual(a, b),
  lt: (a, b) => compare(a, b, "lt") < 0,
  le: (a, b) => compare(a, b, "le") <= 0,
  gt: (a, b) => compare(a, b, "gt") > 0,
  ge: (a, b) => compare(a, b, "ge") >= 0,
  len: (a) => {
    if (typeof a === "string" || Array.isArray(a)) return a.length;
    if (a && typeof a === "object") return Object.keys(a).length;
    throw new TemplateExecError(`len of ${formatGo(a)}`);
  },
  index: (a, ...keys) =>
    keys.reduce((acc, k) => {
      if (Array.isArray(acc)) return acc[toNumber(k)];
      if (acc && typeof acc === "object") return (acc as Record<string, unknown>)[toStr(k)];
      throw new TemplateExecError(`index of ${formatGo(acc)}`);
    }, a),
  print: (...a) => a.map(formatGo).join(""),
  println: (...a) => a.map(formatGo).join(" ") + "\n",
  printf: (f, ...a) => goSprintf(S(f), a),
  // sprig: strings
  upper: (s) => S(s).toUpperCase(),
  lower: (s) => S(s).toLowerCase(),
  title: (s) => S(s).replace(/\b\p{L}/gu, (c) => c.toUpperCase()),
  trim: (s) => S(s).trim(),
  trimAll: (cut, s) => trimCutset(S(s), S(cut)),
  trimPrefix: (p, s) => (S(s).startsWith(S(p)) ? S(s).slice(S(p).length) : S(s)),
  trimSuffix: (p, s) => (S(s).endsWith(S(p)) ? S(s).slice(0, -S(p).length || undefined) : S(s)),
  replace: (old, neu, s) => S(s).split(S(old)).join(S(neu)),
  contains: (sub, s) => S(s).includes(S(sub)),
  hasPrefix: (p, s) => S(s).startsWith(S(p)),
  hasSuffix: (p, s) => S(s).endsWith(S(p)),
  quote: (...a) => a.map((x) => JSON.stringify(toStr(x))).join(" "),
  squote: (...a) => a.map((x) => `'${toStr(x)}'`).join(" "),
  trunc: (n, s) => {
    const str = S(s);
    const c = Math.trunc(toNumber(n));
    return c < 0 ? str.slice(Math.max(0, str.length + c)) : str.slice(0, c);
  },
  repeat: (n, s) => toStr(s).repeat(Math.max(0, toNumber(n))),
  substr: (start, end, s) => toStr(s).slice(toNumber(start), toNumber(end) < 0 ? undefined : toNumber(end)),
  split: (sep, s) => Object.fromEntries(S(s).split(S(sep)).map((p, i) => [`_${i}`, p])),
  splitList: (sep, s) => S(s).split(S(sep)),
  join: (sep, list) => (Array.isArray(list) ? list.map(toStr).join(toStr(sep)) : toStr(list)),
  b64enc: (s) => Buffer.from(toStr(s)).toString("base64"),
  b64dec: (s) => Buffer.from(S(s), "base64").toString("utf8"),
  toJson: (v) => JSON.stringify(sortKeys(v ?? null)), // Go's encoding/json sorts map keys
  toString: (v: unknown) => toStr(v),
  fromJson: (s) => {
    try {
      return JSON.parse(toStr(s));
    } catch {
      return {};
    }
  },
  default: (d, v) => (truthy(v) ? v : d),
  empty: (v) => !truthy(v),
  coalesce: (...a) => a.find(truthy) ?? null,
  ternary: (a, b, c) => (truthy(c) ? a : b),
  // sprig: numbers
  int: (v) => Math.trunc(toNumber(v)),
  int64: (v) => Math.trunc(toNumber(v)),
  float64: (v) => toNumber(v),
  add: (...a) => a.reduce((x: number, y) => x + toNumber(y), 0),
  sub: (a, b) => toNumber(a) - toNumber(b),
  mul: (...a) => a.reduce((x: number, y) => x * toNumber(y), 1),
  div: (a, b) => Math.trunc(toNumber(a) / toNumber(b)),
  mod: (a, b) => toNumber(a) % toNumber(b),
  // sprig: regular expressions, RE2 as in Go (linear time: a pattern or a value from an event cannot stall the sensor)
  regexMatch: (re, s) => {
    // sprig's regexMatch ignores the compile error and answers false; the must- variant raises it.
    try {
      return compileRegexTest(S(re))(S(s));
    } catch {
      return false;
    }
  },
  mustRegexMatch: (re, s) => {
    R(re); // raises the compile error as a template error
    return compileRegexTest(S(re))(S(s));
  },
  regexFind: (re, s) => R(re).exec(S(s))?.[0] ?? "",
  regexFindAll: (re, s, n) => [...goMatches(R(re), S(s), Math.trunc(toNumber(n)))].map((m) => m[0]),
  regexReplaceAll: (re, s, repl) => replaceAllGo(R(re), S(s), S(repl), true),
  regexReplaceAllLiteral: (re, s, repl) => replaceAllGo(R(re), S(s), S(repl), false),
  regexSplit: (re, s, n) => goSplit(R(re), S(s), Math.trunc(toNumber(n))),
  regexQuoteMeta: (s) => quoteRegex(S(s)),
  // sprig: lists and dicts
  list: (...a) => a,
  dict: (...a) => Object.fromEntries(Array.from({ length: Math.floor(a.length / 2) }, (_, i) => [toStr(a[2 * i]), a[2 * i + 1]])),
  first: (l) => (Array.isArray(l) ? l[0] : undefined),
  last: (l) => (Array.isArray(l) ? l[l.length - 1] : undefined),
  has: (v, l) => Array.isArray(l) && l.some((x) => deepEqual(x, v)),
  keys: (...ds) => ds.flatMap((d) => Object.keys((d ?? {}) as object)),
  // sprig: dates (UTC)
  now: () => new Date(),
  date: (fmt, t) => goDate(S(fmt), toDate(t)),
  unixEpoch: (t) => String(Math.floor(toDate(t).getTime() / 1000)),
};

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]));
  return v;
}

/** Go's strings.Trim: drops leading and trailing characters found in cutset (a loop: no pattern to backtrack). */
function trimCutset(s: string, cutset: string): string {
  const cut = new Set(cutset);
  const chars = [...s];
  let a = 0;
  let b = chars.length;
  while (a < b && cut.has(chars[a]!)) a++;
  while (b > a && cut.has(chars[b - 1]!)) b--;
  return chars.slice(a, b).join("");
}

/** A pattern argument: compiled with RE2 (cached); a bad one fails the template, as sprig's MustCompile panics. */
function R(re: unknown): Regex {
  try {
    return compileRegex(S(re));
  } catch (e) {
    throw new TemplateExecError((e as Error).message);
  }
}

/** Go's Regexp.Split(s, n): n < 0 all pieces, n = 0 none, n > 0 at most n (the last is the unsplit rest). */
function goSplit(re: Regex, s: string, n: number): string[] {
  if (n === 0) return [];
  if (re.pattern().length > 0 && s.length === 0) return [""];
  const out: string[] = [];
  let beg = 0;
  let end = 0;
  for (const m of goMatches(re, s, n)) {
    if (n > 0 && out.length === n - 1) break;
    end = m.index!;
    if (end + m[0].length !== 0) out.push(s.slice(beg, end)); // an empty match at the start splits nothing off
    beg = end + m[0].length;
  }
  if (end !== s.length) out.push(s.slice(beg));
  return out;
}
