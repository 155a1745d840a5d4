// Go/gjson value conversions the filters rely on: ParseBool, ParseFloat, Result.Float(), Result.Bool().

const TRUE = new Set(["1", "t", "T", "TRUE", "true", "True"]);
const FALSE = new Set(["0", "f", "F", "FALSE", "false", "False"]);

/** strconv.ParseBool; undefined on syntax error. */
export function parseGoBool(s: string): boolean | undefined {
  return TRUE.has(s) ? true : FALSE.has(s) ? false : undefined;
}

/** strconv.ParseFloat; undefined on syntax error. */
export function parseGoFloat(s: string): number | undefined {
  const t = s.trim();
  if (t === "" || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$|^[+-]?(inf|infinity|nan)$/i.test(t)) return undefined;
  const lower = t.toLowerCase().replace(/^\+/, "");
  if (lower.endsWith("inf") || lower.endsWith("infinity")) return lower.startsWith("-") ? -Infinity : Infinity;
  if (lower === "nan" || lower === "-nan") return NaN;
  return Number(t);
}

/** gjson Result.Float(): numbers as-is, numeric strings parsed, true = 1, otherwise 0. */
export function gjsonFloat(v: unknown): number {
  if (typeof v === "number") return v;
  if (typeof v === "boolean") return v ? 1 : 0;
  if (typeof v === "string") return parseGoFloat(v) ?? 0;
  return 0;
}

/** gjson Result.Bool(): true, non-zero numbers, and ParseBool-true strings. */
export function gjsonBool(v: unknown): boolean {
  if (typeof v === "boolean") return v;
  if (typeof v === "number") return v !== 0;
  if (typeof v === "string") return parseGoBool(v.toLowerCase()) ?? false;
  return false;
}
