// Reads values with gjson paths as Argo does (tidwall/gjson): keys, indices, '#' counts and maps, '#(query)'
// first match and '#(query)#' all matches, '*'/'?' wildcards, '\' escapes, [a,b] and {a,b} multipaths.
// A path starting with '$' is JSONPath, evaluated by jsonpath-plus without script evaluation.
import { JSONPath } from "jsonpath-plus";
import { compileRegex, quoteRegex, type Regex } from "../regex.js";

export type PathResult = { exists: true; value: unknown } | { exists: false };

const MISSING: PathResult = { exists: false };
const found = (value: unknown): PathResult => ({ exists: true, value });

/** Splits on unescaped separators at depth 0 (outside parentheses, brackets, braces and quotes). */
function splitTop(path: string, seps: string): string[] {
  const parts: string[] = [];
  let cur = "";
  let depth = 0;
  let quote = "";
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === "\\" && i + 1 < path.length) {
      cur += c + path[++i];
      continue;
    }
    if (quote) {
      if (c === quote) quote = "";
    } else if (c === '"') quote = c;
    else if ("([{".includes(c)) depth++;
    else if (")]}".includes(c)) depth--;
    else if (depth === 0 && seps.includes(c)) {
      parts.push(cur);
      cur = "";
      continue;
    }
    cur += c;
  }
  parts.push(cur);
  return parts;
}

const unescape = (s: string) => s.replace(/\\(.)/g, "$1");
const hasWildcard = (s: string) => /(^|[^\\])[*?]/.test(s);

/** A gjson wildcard (`*`, `?`, `\\` escapes) as an RE2 pattern: linear time, so `*a*a*a*b` on a long key cannot stall. */
function globToRegExp(glob: string): Regex {
  let re = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "\\" && i + 1 < glob.length) re += quoteRegex(glob[++i]!);
    else if (c === "*") re += ".*";
    else if (c === "?") re += ".";
    else re += quoteRegex(c);
  }
  return compileRegex(`(?s)^${re}$`);
}

/** Splits "a.b\.c.0" into ["a", "b.c", "0"] (used by sjson set-paths too). */
export function splitPath(path: string): string[] {
  return splitTop(path, ".").map(unescape);
}

type Query = { path: string; op: string; value: unknown; all: boolean };

function parseQuery(component: string): Query | undefined {
  const m = /^#\((.*)\)(#?)$/s.exec(component);
  if (!m) return undefined;
  const body = m[1]!;
  const op = /^(.*?)\s*(==|!=|<=|>=|!%|<|>|%|=)\s*(.*)$/s.exec(body);
  if (!op) return { path: body.trim(), op: "", value: undefined, all: m[2] === "#" };
  let value: unknown = op[3]!.trim();
  try {
    value = JSON.parse(value as string);
  } catch {
    /* bare word: compare as a string */
  }
  return { path: op[1]!.trim(), op: op[2] === "=" ? "==" : op[2]!, value, all: m[2] === "#" };
}

function matches(q: Query, element: unknown): boolean {
  const r = q.path ? getPath(element, q.path) : found(element);
  if (!r.exists) return false;
  if (!q.op) return r.value !== false && r.value !== null;
  const a = r.value;
  const b = q.value;
  switch (q.op) {
    case "==":
      return a === b;
    case "!=":
      return a !== b;
    case "%":
    case "!%": {
      const hit = typeof a === "string" && typeof b === "string" && globToRegExp(b).test(a);
      return q.op === "%" ? hit : !hit;
    }
    default: {
      if (!((typeof a === "number" && typeof b === "number") || (typeof a === "string" && typeof b === "string"))) return false;
      const x = a as number | string;
      const y = b as number | string;
      return q.op === "<" ? x < y : q.op === "<=" ? x <= y : q.op === ">" ? x > y : x >= y;
    }
  }
}

function walk(node: unknown, parts: string[], i: number): PathResult {
  if (i === parts.length) return found(node);
  const raw = parts[i]!;
  if (Array.isArray(node)) {
    if (raw === "#") {
      if (i === parts.length - 1) return found(node.length);
      // '#.' maps the rest of the path over every element, keeping those that have it.
      const out: unknown[] = [];
      for (const el of node) {
        const r = walk(el, parts, i + 1);
        if (r.exists) out.push(r.value);
      }
      return found(out);
    }
    const q = parseQuery(raw);
    if (q) {
      if (q.all) {
        const hits = node.filter((el) => matches(q, el));
        if (i === parts.length - 1) return found(hits);
        const out: unknown[] = [];
        for (const el of hits) {
          const r = walk(el, parts, i + 1);
          if (r.exists) out.push(r.value);
        }
        return found(out);
      }
      const hit = node.find((el) => matches(q, el));
      return hit === undefined ? MISSING : walk(hit, parts, i + 1);
    }
    const key = unescape(raw);
    if (!/^\d+$/.test(key) || Number(key) >= node.length) return MISSING;
    return walk(node[Number(key)], parts, i + 1);
  }
  if (node !== null && typeof node === "object") {
    const obj = node as Record<string, unknown>;
    if (hasWildcard(raw)) {
      const re = globToRegExp(raw);
      const key = Object.keys(obj).find((k) => re.test(k));
      return key === undefined ? MISSING : walk(obj[key], parts, i + 1);
    }
    const key = unescape(raw);
    return Object.hasOwn(obj, key) ? walk(obj[key], parts, i + 1) : MISSING;
  }
  return MISSING;
}

function multipath(root: unknown, path: string): PathResult | undefined {
  const array = path.startsWith("[") && path.endsWith("]");
  const object = path.startsWith("{") && path.endsWith("}");
  if (!array && !object) return undefined;
  const members = splitTop(path.slice(1, -1), ",").map((s) => s.trim()).filter(Boolean);
  if (array) return found(members.map((m) => getPath(root, m)).filter((r) => r.exists).map((r) => (r as { value: unknown }).value));
  const out: Record<string, unknown> = {};
  for (const m of members) {
    const r = getPath(root, m);
    // gjson names each member by its last key.
    if (r.exists) out[unescape(splitTop(m, ".").at(-1)!)] = r.value;
  }
  return found(out);
}

function jsonPath(root: unknown, path: string): PathResult {
  let results: unknown[];
  try {
    results = JSONPath({ path, json: root as object, eval: false, wrap: true }) as unknown[];
  } catch {
    return MISSING;
  }
  if (!results.length) return MISSING;
  return found(results.length === 1 ? results[0] : results);
}

export type CompiledPath = (root: unknown) => PathResult;

/** Parses a path once; the returned reader is what runs per event (plain key paths take a fast loop). */
export function compilePath(path: string): CompiledPath {
  if (path.startsWith("$")) return (root) => jsonPath(root, path);
  if ((path.startsWith("[") && path.endsWith("]")) || (path.startsWith("{") && path.endsWith("}"))) return (root) => multipath(root, path)!;
  if (!/[#*?\\|()[\]{}]/.test(path)) {
    const keys = path.split(".");
    return (root) => {
      let node = root;
      for (const key of keys) {
        if (Array.isArray(node)) {
          if (!/^\d+$/.test(key) || Number(key) >= node.length) return MISSING;
          node = node[Number(key)];
        } else if (node !== null && typeof node === "object" && Object.hasOwn(node, key)) node = (node as Record<string, unknown>)[key];
        else return MISSING;
      }
      return { exists: true, value: node };
    };
  }
  // '|' after a query behaves like '.', which is what Argo's paths use it for.
  const parts = splitTop(path, ".|");
  return (root) => walk(root, parts, 0);
}

/** Parsing is pure, so parsed paths are memoised (bounded) for callers that resolve paths per event. */
const compiled = new Map<string, CompiledPath>();
const MEMO_LIMIT = 4096;

export function getPath(root: unknown, path: string): PathResult {
  let reader = compiled.get(path);
  if (!reader) {
    reader = compilePath(path);
    if (compiled.size < MEMO_LIMIT) compiled.set(path, reader);
  }
  return reader(root);
}

/** gjson's Result.String(): strings raw, everything else as JSON text; null → "". */
export function resultString(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  return JSON.stringify(value);
}
