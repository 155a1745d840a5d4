// Shared by npm start, npm test and npm run bench: install npm deps when needed, the nats-server binary, then build.
// Uses only Node built-ins: it runs before node_modules exists.
import { execFileSync } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const root = join(dirname(fileURLToPath(import.meta.url)), "..");

function run(cmd, args, opts = {}) {
  execFileSync(cmd, args, { cwd: root, stdio: ["ignore", "inherit", "inherit"], ...opts });
}

function depsStale() {
  const marker = join(root, "node_modules", ".package-lock.json");
  if (!existsSync(marker)) return true;
  return statSync(join(root, "package-lock.json")).mtimeMs > statSync(marker).mtimeMs + 1000;
}

/** Runs one step, saying beforehand what it does and how long it may take, and afterwards how long it took. */
function step(log, what, expect, fn) {
  log(`${what}${expect ? ` (${expect})` : ""}`);
  const t0 = Date.now();
  fn();
  const s = Math.round((Date.now() - t0) / 1000);
  if (s >= 2) log(`${what}: done in ${s} s`);
}

export function prepare({ quiet = false } = {}) {
  const log = (m) => quiet || console.error(`[impulse] ${m}`);
  if (depsStale()) {
    // The lock file lists every platform's optional binaries (turbo's), so npm ci accepts it and leaves it unchanged.
    step(log, "installing npm dependencies", "about 30 s the first time", () => run("npm", ["ci", "--no-audit", "--no-fund"]));
  }
  step(log, "checking nats-server", "", () => run("bash", [join(root, "tools/nats/install.sh")]));
  step(log, "building the TypeScript workspaces", "1 to 2 minutes the first time; seconds afterwards, from turbo's cache", () =>
    run(join(root, "node_modules/.bin/turbo"), ["run", "build", "--output-logs=errors-only"]),
  );
}
