// The data-dir lock of `impulse dev`: held while the process lives, taken over once it is gone.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { LOCK_FILE, lockDataDir } from "./data-dir-lock.js";

it("refuses a second holder while the first process lives, naming its PID and --data-dir", () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-lock-"));
  // Another live process holds it: our parent (the test runner) is alive for the whole test.
  writeFileSync(join(dir, LOCK_FILE), `${process.ppid}\n`);
  assert.throws(() => lockDataDir(dir), new RegExp(`in use by another impulse dev \\(PID ${process.ppid}\\).*--data-dir`));
});

it("takes over a lock whose process is gone, and release removes only its own lock", () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-lock-"));
  const dead = spawnSync(process.execPath, ["-e", ""]).pid!;
  writeFileSync(join(dir, LOCK_FILE), `${dead}\n`);
  const lock = lockDataDir(dir);
  assert.equal(readFileSync(join(dir, LOCK_FILE), "utf8").trim(), String(process.pid));
  lock.release();
  assert.ok(!existsSync(join(dir, LOCK_FILE)));
});
