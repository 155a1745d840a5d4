// Installs the test servers beyond NATS into ~/.cache/impulse-infra (once; later runs find them there at once).
// Each is a script under tools/ with a `test-server: <order> <what it provides>` line in its header: adding a server is
// adding its script, nothing here.
//
// A cold machine spends most of CI's first half here, and the scripts differ in what they wait for: the Go builds
// (kube-apiserver, helm, ...) are CPU-bound, the apt, PyPI, npm and Maven installs mostly wait on downloads. Running
// two at a time overlaps those waits with the builds. The scripts of one tools/ directory run one after the other, in
// their order (the image build needs the image base that tools/image/install.sh makes); directories start in the
// order of their first script.
import { spawn } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";

const TAG = /^(?:#|\/\/) test-server: (\d+) (.+)$/m;

/** Every tagged script, sorted by its order. */
export function findTestServers(root) {
  const found = [];
  for (const dir of readdirSync(join(root, "tools"))) {
    for (const name of readdirSync(join(root, "tools", dir))) {
      if (!/\.(sh|mjs)$/.test(name)) continue;
      const script = join("tools", dir, name);
      const head = readFileSync(join(root, script), "utf8").split("\n").slice(0, 12).join("\n");
      const tag = TAG.exec(head);
      if (tag) found.push({ script, order: Number(tag[1]), what: tag[2] });
    }
  }
  return found.sort((a, b) => a.order - b.order || a.script.localeCompare(b.script));
}

/** Groups scripts into lanes, one per tools/ directory, kept in order. */
export function lanesOf(servers) {
  const lanes = new Map();
  for (const s of servers) {
    const dir = dirname(s.script);
    if (!lanes.has(dir)) lanes.set(dir, []);
    lanes.get(dir).push(s);
  }
  return [...lanes.values()];
}

function runScript(root, { script, what }, log) {
  const dir = dirname(script).slice("tools/".length);
  log(`test server: ${what}`);
  const t0 = Date.now();
  const child = spawn(script.endsWith(".mjs") ? process.execPath : "bash", [join(root, script)], {
    cwd: root,
    stdio: ["ignore", "ignore", "pipe"],
  });
  // Two scripts talk at once: each line says whose it is.
  createInterface({ input: child.stderr }).on("line", (line) => process.stderr.write(`[${dir}] ${line}\n`));
  return new Promise((resolve) => {
    child.on("close", (code) => {
      const s = Math.round((Date.now() - t0) / 1000);
      if (s >= 5) log(`test server ${dir}: ready in ${s} s`);
      resolve(code ?? 1);
    });
  });
}

/** Runs every lane, `jobs` at a time; resolves to the first failure ({ script, code }) or undefined. */
export async function installTestServers(root, { jobs = 2, log = (m) => console.error(`[impulse] ${m}`) } = {}) {
  const queue = lanesOf(findTestServers(root));
  let failure;
  async function worker() {
    while (queue.length && !failure) {
      for (const server of queue.shift()) {
        const code = await runScript(root, server, log);
        if (code !== 0) {
          failure ??= { script: server.script, code };
          return;
        }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, jobs) }, worker));
  return failure;
}
