// npm test: prepare, then run every suite (unit tests beside the code, integration suites against real servers).
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { prepare, root } from "./prepare.mjs";

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
// Test servers beyond NATS, installed or built into ~/.cache/impulse-infra once; later runs find them there at once.
// Each is a script under tools/ with a `test-server: <order> <what it provides>` line in its header: adding a server is
// adding its script, nothing here. Lower orders run first (the image build needs the image base installed before it).
function testServers() {
  const found = [];
  for (const dir of readdirSync(join(root, "tools"))) {
    for (const name of readdirSync(join(root, "tools", dir))) {
      if (!/\.(sh|mjs)$/.test(name)) continue;
      const script = join("tools", dir, name);
      const tag = /^(?:#|\/\/) test-server: (\d+) (.+)$/m.exec(readFileSync(join(root, script), "utf8").split("\n").slice(0, 12).join("\n"));
      if (tag) found.push({ script, order: Number(tag[1]), what: tag[2] });
    }
  }
  return found.sort((a, b) => a.order - b.order || a.script.localeCompare(b.script));
}
for (const { script, what } of testServers()) {
  console.error(`[impulse] test server: ${what}`);
  const r = spawnSync(script.endsWith(".mjs") ? process.execPath : "bash", [join(root, script)], { cwd: root, stdio: ["ignore", "ignore", "inherit"] });
  if (r.status !== 0) {
    console.error(`[impulse] ${script} failed (exit ${r.status})`);
    process.exit(r.status ?? 1);
  }
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
  ["--conditions=source", "--import", "tsx", "--test", `--test-reporter=${process.stdout.isTTY ? "spec" : "tap"}`, "--test-concurrency=2", "--test-timeout=180000", ...files],
  { cwd: root, stdio: "inherit", env: { ...process.env, IMPULSE_REPO_ROOT: root } },
);
process.exit(res.status ?? 1);
