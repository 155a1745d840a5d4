// Turns two listings of a directory into fsnotify-style operations (CREATE, WRITE, REMOVE, RENAME, CHMOD) per name.
import type { FileOp } from "@impulse/api";

/** What is kept of one directory entry: enough to tell a write, a chmod, and a rename (same inode, new name). */
export interface EntryStat {
  ino: number;
  size: number;
  mtimeMs: number;
  mode: number;
}

export type Listing = ReadonlyMap<string, EntryStat>;

export interface Change {
  name: string;
  op: FileOp;
  /** The entry the change is about: the new one, or for REMOVE and RENAME the one that went away. */
  stat: EntryStat;
}

/**
 * The operations that take `before` to `after`, as fsnotify would report them for a directory: a new name is
 * CREATE; a name gone whose inode is now under another name is RENAME (and the new name CREATE), else REMOVE; a
 * changed size or mtime, or a name inotify said was modified (`touched`) whose mode did not change, is WRITE; a changed
 * mode is CHMOD.
 * Only names in `before` or `after` count: pass listings limited to the names of interest, plus `others` (every
 * current entry) to find where a watched file was renamed to.
 */
export function diffListings(before: Listing, after: Listing, touched: ReadonlySet<string> = new Set(), others: Listing = after): Change[] {
  const changes: Change[] = [];
  const inodes = new Set([...others.values()].map((s) => s.ino));
  for (const [name, old] of before) {
    const now = after.get(name);
    if (!now || now.ino !== old.ino) {
      // Replaced by another file under the same name (rename over it): fsnotify says CREATE for the name.
      if (now) changes.push({ name, op: "CREATE", stat: now });
      else changes.push({ name, op: inodes.has(old.ino) && !others.has(name) ? "RENAME" : "REMOVE", stat: old });
    } else {
      const modeChanged = now.mode !== old.mode;
      if (modeChanged) changes.push({ name, op: "CHMOD", stat: now });
      // inotify says "change" for a chmod too: a touched name with only its mode changed was not written.
      if (now.size !== old.size || now.mtimeMs !== old.mtimeMs || (touched.has(name) && !modeChanged)) changes.push({ name, op: "WRITE", stat: now });
    }
  }
  for (const [name, now] of after) if (!before.has(name)) changes.push({ name, op: "CREATE", stat: now });
  return changes;
}

/** fsnotify's bit of an operation, which Argo puts in data.op. */
export const OP_BITS: Record<FileOp, number> = { CREATE: 1, WRITE: 2, REMOVE: 4, RENAME: 8, CHMOD: 16 };
