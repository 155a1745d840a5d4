// Writes a value at an sjson-style set-path: dot keys, array indices, -1 appends; missing parents are created.
import { splitPath } from "./gjson.js";

type Container = Record<string, unknown> | unknown[];

function isContainer(v: unknown): v is Container {
  return v !== null && typeof v === "object";
}

/** Sets `value` at `path` inside `root` (mutating it) and returns the root; an empty path replaces the root. */
export function setPath(root: unknown, path: string, value: unknown): unknown {
  if (path === "") return value;
  const keys = splitPath(path);
  const top: Container = isContainer(root) ? root : /^(\d+|-1)$/.test(keys[0]!) ? [] : {};
  let node: Container = top;
  keys.forEach((key, i) => {
    const last = i === keys.length - 1;
    const nextIsIndex = !last && /^(\d+|-1)$/.test(keys[i + 1]!);
    if (Array.isArray(node)) {
      const idx = key === "-1" ? node.length : Number(key);
      if (!Number.isInteger(idx) || idx < 0) throw new Error(`path ${path}: "${key}" is not an array index`);
      while (node.length < idx) node.push(null);
      if (last) node[idx] = value;
      else {
        if (!isContainer(node[idx])) node[idx] = nextIsIndex ? [] : {};
        node = node[idx] as Container;
      }
    } else {
      if (last) node[key] = value;
      else {
        if (!isContainer(node[key])) node[key] = nextIsIndex ? [] : {};
        node = node[key] as Container;
      }
    }
  });
  return top;
}
