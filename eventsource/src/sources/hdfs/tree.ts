// The whole tree under the watched directory as a listing (path relative to it → identity and stat), and the changes
// between two listings as Argo's naive watcher reports them for HDFS.
import type { FileOp } from "@impulse/api";
import type { EntryStat, Listing } from "../file/diff.js";
import { OP_BITS } from "../file/diff.js";
import { HdfsNotFound, type HdfsFileStatus, type WebHdfsClient } from "./webhdfs.js";

/** Lists `dir` and every directory below it (the directory itself is not an entry), breadth first. */
export async function listTree(client: WebHdfsClient, dir: string, signal: AbortSignal): Promise<Map<string, EntryStat>> {
  const root = dir === "/" ? "" : dir.replace(/\/+$/, "");
  const listing = new Map<string, EntryStat>();
  const pending = [""];
  while (pending.length) {
    const rel = pending.shift()!;
    let entries: HdfsFileStatus[];
    try {
      entries = await client.listStatus(rel ? `${root}/${rel}` : root || "/", signal);
    } catch (e) {
      // A subdirectory removed while the tree was walked: it is gone, and so are its entries (the watched directory
      // itself missing is an error the caller reports).
      if (rel && e instanceof HdfsNotFound) continue;
      throw e;
    }
    for (const s of entries) {
      const name = rel ? `${rel}/${s.pathSuffix}` : s.pathSuffix;
      listing.set(name, { ino: s.fileId, size: s.length, mtimeMs: s.modificationTime, mode: Number.parseInt(s.permission, 8) });
      if (s.type === "DIRECTORY") pending.push(name);
    }
  }
  return listing;
}

export interface TreeChange {
  /** The path now (for REMOVE: the path it had). */
  name: string;
  /** The path before a rename. */
  oldName?: string;
  /** fsnotify bits: CREATE or REMOVE alone, or RENAME, WRITE and CHMOD together when one check saw several. */
  op: number;
  stat: EntryStat;
}

/**
 * What took `before` to `after`, by identity (the inode id), as Argo's watcher does: a new id is CREATE, a gone one
 * REMOVE, and a known one RENAME (new path), WRITE (size or modification time) and CHMOD (permission), combined.
 */
export function diffTree(before: Listing, after: Listing): TreeChange[] {
  const nameById = new Map([...before].map(([name, s]) => [s.ino, name]));
  const kept = new Set<number>();
  const changes: TreeChange[] = [];
  for (const [name, now] of after) {
    const oldName = nameById.get(now.ino);
    if (oldName === undefined) {
      changes.push({ name, op: OP_BITS.CREATE, stat: now });
      continue;
    }
    kept.add(now.ino);
    const old = before.get(oldName)!;
    let op = 0;
    if (oldName !== name) op |= OP_BITS.RENAME;
    if (now.size !== old.size || now.mtimeMs !== old.mtimeMs) op |= OP_BITS.WRITE;
    if (now.mode !== old.mode) op |= OP_BITS.CHMOD;
    if (op) changes.push({ name, ...(oldName !== name ? { oldName } : {}), op, stat: now });
  }
  for (const [name, old] of before) if (!kept.has(old.ino)) changes.push({ name, op: OP_BITS.REMOVE, stat: old });
  return changes;
}

/** Whether a change counts as the operation a watch asks for (Argo: `op & event.Op != 0`). */
export const changeIs = (c: TreeChange, op: FileOp) => (c.op & OP_BITS[op]) !== 0;
