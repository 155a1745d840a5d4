// A PID lock file on a local nats-server's data dir: two `impulse dev` must not run two servers on one store.
import { readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export const LOCK_FILE = "impulse-dev.pid";

export interface DataDirLock {
  release(): void;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but belongs to someone else, so it is alive.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes the lock or throws naming the process that holds it. A lock left by a process that died (SIGKILL, a crash)
 * is taken over: PID liveness, not file age (the mtime-based lock libraries), tells stale from held, so a restart
 * right after a crash is never blocked. Released on release() or when this process exits.
 */
export function lockDataDir(dir: string, pid = process.pid): DataDirLock {
  const file = join(dir, LOCK_FILE);
  // wx creates atomically; a few rounds cover two processes taking over the same stale lock at once.
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(file, `${pid}\n`, { flag: "wx" });
      break;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 3) throw e;
      let holder = Number.NaN;
      try {
        holder = Number.parseInt(readFileSync(file, "utf8"), 10);
      } catch {
        continue; // removed meanwhile: try again
      }
      if (Number.isInteger(holder) && holder !== pid && alive(holder))
        throw new Error(`${dir} is in use by another impulse dev (PID ${holder}): stop it, or pass --data-dir <dir> (or --nats-url) to run a second one`);
      try {
        unlinkSync(file); // stale: its process is gone
      } catch {
        /* someone else removed it first */
      }
    }
  }
  const release = () => {
    process.removeListener("exit", release);
    try {
      if (Number.parseInt(readFileSync(file, "utf8"), 10) === pid) unlinkSync(file);
    } catch {
      /* already gone */
    }
  };
  process.once("exit", release);
  return { release };
}
