// npm test: prepare, then run every suite (unit tests beside the code, integration suites against real servers).
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { prepare, root } from "./prepare.mjs";
import { installTestServers } from "./test-servers.mjs";

function find(dir, pattern, out = []) {
  for (const name of readdirSync(dir)) {
    if (name === "node_modules" || name === "dist" || name.startsWith(".")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) find(p, pattern, out);
    else if (pattern.test(name)) out.push(relative(root, p));
  }
  return out;
}

prepare();
// Test servers beyond NATS (tools/*/ scripts with a `test-server:` header line), two installs at a time.
const failed = await installTestServers(root, { jobs: Number(process.env.IMPULSE_INSTALL_JOBS ?? 2) });
if (failed) {
  console.error(`[impulse] ${failed.script} failed (exit ${failed.code})`);
  process.exit(failed.code);
}
// The build type-checks the sources; this checks the tests, kit and bench too (tsx only strips types).
console.error("[impulse] type-checking tests");
const tc = spawnSync(join(root, "node_modules/.bin/tsc"), ["-p", join(root, "tsconfig.tests.json")], { cwd: root, stdio: "inherit" });
if (tc.status !== 0) process.exit(tc.status ?? 1);
const workspaces = ["api", "bus", "eventsource", "sensor", "controller", "cli"];
const unit = workspaces.flatMap((w) => find(join(root, w, "src"), /\.test\.ts$/));
const integration = find(join(root, "test", "suites"), /\.test\.ts$/);
const only = process.argv.slice(2);
const files = only.length ? [...unit, ...integration].filter((f) => only.some((o) => f.includes(o))) : [...unit, ...integration];
console.error(`[impulse] running ${files.length} test files`);
const res = spawnSync(
  process.execPath,
  // TAP when not on a terminal (CI): the same closing lines ("# pass N", "# fail N") on Node 20 and 24.
  // The watchdog ends a file still running after 20 minutes: a timed-out test that left a child process behind
  // once held CI until its 90-minute limit instead of failing on its own.
  ["--conditions=source", "--import", "tsx", "--import", "./test/kit/file-watchdog.mjs", "--test", `--test-reporter=${process.stdout.isTTY ? "spec" : "tap"}`, "--test-concurrency=2", "--test-timeout=180000", ...files],
  { cwd: root, stdio: "inherit", env: { ...process.env, IMPULSE_REPO_ROOT: root } },
);
process.exit(res.status ?? 1);
