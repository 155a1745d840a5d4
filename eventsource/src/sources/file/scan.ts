// Lists one directory (not recursively) with what the change detection needs of each entry.
import { lstat, readdir } from "node:fs/promises";
import { join } from "node:path";
import type { EntryStat } from "./diff.js";

export async function scanDirectory(dir: string): Promise<Map<string, EntryStat>> {
  const listing = new Map<string, EntryStat>();
  for (const name of await readdir(dir)) {
    try {
      const s = await lstat(join(dir, name));
      listing.set(name, { ino: s.ino, size: s.size, mtimeMs: s.mtimeMs, mode: s.mode });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e; // gone between readdir and lstat: the next scan sees it
    }
  }
  return listing;
}
