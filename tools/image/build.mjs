// Builds the repository's Dockerfile, unchanged, with buildah on the stand-in base of install.sh; prints the image name.
// test-server: 90 the Dockerfile's image, built with buildah (~4 min when the CLI's sources change)
// Cached by its inputs: the image is tagged localhost/impulse:test-<hash of the base, the Dockerfile and what `turbo prune
// @impulse/cli` keeps>, so an unchanged tree does not rebuild and a change to a test or a doc does not either.
//   node tools/image/build.mjs          build when missing (npm test runs it before the suites: a cold build takes minutes)
//   node tools/image/build.mjs --ref    print the name when that image is built, nothing otherwise (never builds: for the test)
// Prints nothing and exits 0 where install.sh could not make a base (no buildah, not root): the image suite then skips.
// Node built-ins only: it runs from scripts/test.mjs without tsx.
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const cache = process.env.IMPULSE_INFRA_CACHE ?? join(homedir(), ".cache", "impulse-infra");
const storage = ["--root", join(cache, "containers", "storage"), "--runroot", join(cache, "containers", "run"), "--storage-driver", "vfs"];
const HOST_CA = "/etc/ssl/certs/ca-certificates.crt";
const refOnly = process.argv.includes("--ref");
/** The last failed build: its image name, then the end of buildah's log. */
const failedLog = join(cache, "image", "app-build-failed.log");

const buildah = (args, opts = {}) => spawnSync("buildah", [...storage, ...args], { encoding: "utf8", maxBuffer: 64 << 20, ...opts });

/** The workspaces the CLI's image holds: the CLI and its @impulse/* dependencies, as `turbo prune` keeps them. */
function cliWorkspaces() {
  const byName = new Map();
  for (const dir of JSON.parse(readFileSync(join(root, "package.json"), "utf8")).workspaces) {
    const p = JSON.parse(readFileSync(join(root, dir, "package.json"), "utf8"));
    byName.set(p.name, { dir, deps: Object.keys({ ...p.dependencies, ...p.devDependencies }).filter((d) => d.startsWith("@impulse/")) });
  }
  const seen = new Set();
  const visit = (name) => {
    if (seen.has(name) || !byName.has(name)) return;
    seen.add(name);
    byName.get(name).deps.forEach(visit);
  };
  visit("@impulse/cli");
  return [...seen].map((n) => byName.get(n).dir).sort();
}

/** Files as the build context has them: what .dockerignore leaves out (dependencies, outputs, *.md) is skipped. */
function contextFiles(dir, out = []) {
  for (const name of readdirSync(dir).sort()) {
    if (["node_modules", "dist", ".turbo"].includes(name) || name.endsWith(".tsbuildinfo") || name.endsWith(".md")) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) contextFiles(p, out);
    else out.push(p);
  }
  return out;
}

function inputsHash(base) {
  const h = createHash("sha256").update(`base ${base}\n`);
  const files = [
    ...["Dockerfile", ".dockerignore", "package.json", "package-lock.json", "turbo.json", "tsconfig.base.json"].map((f) => join(root, f)),
    ...cliWorkspaces().flatMap((w) => contextFiles(join(root, w))),
  ];
  for (const f of files) h.update(`${relative(root, f)}\n`).update(existsSync(f) ? readFileSync(f) : "(missing)").update("\n");
  return h.digest("hex").slice(0, 16);
}

/**
 * The machine's CA (a TLS-intercepting proxy's, in the host bundle) is lent to the RUN steps as read-only mounts, never
 * copied into a layer: the host bundle over the image's bundle, and a directory holding an npmrc with `cafile=` over
 * /usr/local/etc, where npm reads its global npmrc. Mounting the existing directory, rather than a file where none
 * exists, leaves no empty mount point behind in the image.
 */
function build(base, ref) {
  const etc = mkdtempSync(join(tmpdir(), "impulse-npmrc-"));
  const registry = spawnSync("npm", ["config", "get", "registry"], { encoding: "utf8" }).stdout?.trim() || "https://registry.npmjs.org/";
  writeFileSync(join(etc, "npmrc"), `cafile=${HOST_CA}\nregistry=${registry}\n`);
  const started = Date.now();
  mkdirSync(join(cache, "image"), { recursive: true });
  try {
    console.error(`[impulse] buildah build of the Dockerfile on ${base} (cold: 3-6 minutes on 2 cores)`);
    const r = buildah([
      "build", "--isolation", "chroot", "--network", "host", "--build-arg", `NODE_IMAGE=${base}`,
      "--volume", `${HOST_CA}:${HOST_CA}:ro`, "--volume", `${etc}:/usr/local/etc:ro`,
      "--tag", ref, "--file", join(root, "Dockerfile"), root,
    ], { stdio: ["ignore", "ignore", "pipe"] });
    if (r.status !== 0) {
      // Not fatal for npm test: the other suites still run, and the image suite fails with this log.
      writeFileSync(failedLog, `${ref}\n${r.stderr.slice(-8000)}`);
      console.error(`[impulse] buildah build failed (exit ${r.status}); the image suite will report it. Last lines:\n${r.stderr.slice(-2000)}`);
      return;
    }
  } finally {
    rmSync(etc, { recursive: true, force: true });
  }
  rmSync(failedLog, { force: true });
  const seconds = Math.round((Date.now() - started) / 1000);
  // The suite reports how long the build took; images of older inputs only take space (vfs stores each layer whole).
  writeFileSync(join(cache, "image", "app-build.json"), JSON.stringify({ ref, base, seconds, at: new Date().toISOString() }) + "\n");
  for (const line of buildah(["images", "--format", "{{.Name}}:{{.Tag}}"]).stdout.split("\n"))
    if (line.startsWith("localhost/impulse:test-") && line !== ref) buildah(["rmi", line]);
  console.error(`[impulse] image ${ref} built in ${seconds} s`);
}

const baseRun = spawnSync("bash", [join(here, "install.sh"), ...(refOnly ? ["--ref"] : [])], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] });
if (baseRun.status !== 0) process.exit(baseRun.status ?? 1);
const base = baseRun.stdout.trim().split("\n").pop();
if (base) {
  const ref = `localhost/impulse:test-${inputsHash(base)}`;
  const built = buildah(["inspect", "--type", "image", ref]).status === 0;
  if (!built && !refOnly) build(base, ref);
  if (buildah(["inspect", "--type", "image", ref]).status === 0) console.log(ref);
}
