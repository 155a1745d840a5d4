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

export function prepare({ quiet = false } = {}) {
  const log = (m) => quiet || console.error(`[impulse] ${m}`);
  if (depsStale()) {
    log("installing npm dependencies");
    // npm ci refuses lock files without every platform's optional binaries (turbo); install honours the lock otherwise.
    run("npm", ["install", "--no-audit", "--no-fund"]);
  }
  log("checking nats-server");
  run("bash", [join(root, "tools/nats/install.sh")]);
  log("building");
  run(join(root, "node_modules/.bin/turbo"), ["run", "build", "--output-logs=errors-only"]);
}
