// Go-style durations as Argo accepts them: an integer is nanoseconds, a string is a Go duration ("1m30s", "500ms").

const UNIT_MS: Record<string, number> = {
  ns: 1e-6,
  us: 1e-3,
  "µs": 1e-3,
  "μs": 1e-3,
  ms: 1,
  s: 1000,
  m: 60_000,
  h: 3_600_000,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/y;

/** Parses a Go duration string into milliseconds; returns undefined when it is not one. */
export function parseGoDuration(text: string): number | undefined {
  let s = text.trim();
  let sign = 1;
  if (s.startsWith("-") || s.startsWith("+")) {
    sign = s.startsWith("-") ? -1 : 1;
    s = s.slice(1);
  }
  if (s === "0") return 0;
  if (s === "") return undefined;
  let total = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < s.length) {
    const m = PART.exec(s);
    if (!m) return undefined;
    total += Number(m[1]) * UNIT_MS[m[2]!]!;
  }
  return sign * total;
}

/** Converts Argo's Int64OrString duration (int = nanoseconds) to milliseconds. */
export function durationToMs(value: number | string): number | undefined {
  if (typeof value === "number") return value / 1e6;
  if (/^-?\d+$/.test(value.trim())) return Number(value) / 1e6;
  return parseGoDuration(value);
}
