// Prints values the way Go's fmt %v does for JSON-decoded data (what text/template writes).

/** Go's %v for float64: %g with the shortest digits; exponent form when exp < -4 or exp >= 6 (checked against Go). */
export function formatGoFloat(f: number): string {
  if (Number.isNaN(f)) return "NaN";
  if (!Number.isFinite(f)) return f > 0 ? "+Inf" : "-Inf";
  if (f === 0) return Object.is(f, -0) ? "-0" : "0";
  const [mant, expPart] = f.toExponential().split("e") as [string, string];
  const exp = Number(expPart);
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? "-" : "+";
    return `${mant}e${sign}${String(Math.abs(exp)).padStart(2, "0")}`;
  }
  return String(f); // JS prints plain decimals in this exponent range
}

export function formatGo(v: unknown): string {
  if (v === undefined || v === null) return "<no value>";
  if (typeof v === "string") return v;
  if (typeof v === "number") return formatGoFloat(v);
  if (typeof v === "boolean") return String(v);
  if (Array.isArray(v)) return `[${v.map(formatNested).join(" ")}]`;
  if (typeof v === "object") {
    const o = v as Record<string, unknown>;
    return `map[${Object.keys(o).sort().map((k) => `${k}:${formatNested(o[k])}`).join(" ")}]`;
  }
  return String(v);
}

/** Inside maps and slices a nil prints as <nil>, not <no value>. */
function formatNested(v: unknown): string {
  return v === null || v === undefined ? "<nil>" : formatGo(v);
}
