// Reads a value at a gjson-style path: dot-separated keys, array indices, '#' for length, '\' escapes.
// A subset of gjson for the spine; the engine issue widens it (queries, multipaths, modifiers).

export type PathResult = { exists: true; value: unknown } | { exists: false };

/** Splits "a.b\.c.0" into ["a", "b.c", "0"]. */
export function splitPath(path: string): string[] {
  const parts: string[] = [];
  let cur = "";
  for (let i = 0; i < path.length; i++) {
    const c = path[i]!;
    if (c === "\\" && i + 1 < path.length) cur += path[++i];
    else if (c === ".") {
      parts.push(cur);
      cur = "";
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

export function getPath(root: unknown, path: string): PathResult {
  let node: unknown = root;
  for (const key of splitPath(path)) {
    if (Array.isArray(node)) {
      if (key === "#") {
        node = node.length;
        continue;
      }
      if (!/^\d+$/.test(key) || Number(key) >= node.length) return { exists: false };
      node = node[Number(key)];
    } else if (node !== null && typeof node === "object") {
      if (!Object.hasOwn(node, key)) return { exists: false };
      node = (node as Record<string, unknown>)[key];
    } else return { exists: false };
  }
  return { exists: true, value: node };
}

/** gjson's Result.String(): strings raw, everything else as JSON text; null → "". */
export function resultString(value: unknown): string {
  if (typeof value === "string") return value;
  if (value === null || value === undefined) return "";
  return JSON.stringify(value);
}
