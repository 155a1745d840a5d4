// The transition filter's one-line form, `<path>: [<from>] -> <to>`, parsed (pure): "entered state X" on a resource UPDATE.

/**
 * A parsed transition: the value at `path` in `body` is one of `to` (any value when `to` is empty: `-> *`, "changed"),
 * and in `oldBody` it was one of `from` (empty: any other value or none; ["*"]: any other value, not none).
 */
export interface Transition {
  path: string;
  from: string[];
  to: string[];
}

const SHAPE = /^\s*([^\s:][^:]*?)\s*:\s*(.*?)\s*->\s*(.*?)\s*$/;

/** Values separated by `|`. On the from side nothing means any other value or none, `*` any other value (["*"]). */
function values(side: string): string[] {
  const s = side.trim();
  if (s === "") return [];
  if (s === "*") return ["*"];
  return s.split("|").map((v) => v.trim());
}

/** Parses `status.health.status: Progressing -> Healthy|Degraded` (or `status.currentStepIndex: -> *`); returns an error text for a malformed one. */
export function parseTransition(text: string): Transition | string {
  const m = SHAPE.exec(text);
  if (!m) return `must read "<path>: [<from>|...] -> <to>|...", e.g. "status.health.status: Progressing -> Healthy|Degraded"`;
  const [, path, from, to] = m;
  const t = { path: path!, from: values(from!), to: to!.trim() === "*" ? [] : values(to!) };
  if (t.to.length === 0 && to!.trim() !== "*") return "needs at least one value after -> (or * for any new value)";
  if ([...t.from, ...t.to].some((v) => v === "")) return "has an empty value between |";
  return t;
}
