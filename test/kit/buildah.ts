// buildah for the image suite (no Docker engine here): the storage tools/image/ builds into, and the image of the current tree.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { repoRoot } from "./cli.js";

/** The storage tools/image/install.sh commits the base into: vfs, so it needs neither overlayfs nor fuse. */
const store = join(process.env["IMPULSE_INFRA_CACHE"] ?? join(homedir(), ".cache", "impulse-infra"), "containers");
export const storageArgs = ["--root", join(store, "storage"), "--runroot", join(store, "run"), "--storage-driver", "vfs"];

/** Why buildah cannot run the image here, or undefined when it can. */
export function buildahUnavailable(): string | undefined {
  if (spawnSync("buildah", ["--version"]).status !== 0) return "buildah is not installed (tools/image/install.sh installs it with apt-get, as root; npm test runs it)";
  if (process.getuid?.() !== 0) return "buildah's chroot isolation and mmdebstrap need root on this machine";
  return undefined;
}

export function buildah(args: string[], opts: { timeoutMs?: number } = {}): { status: number; stdout: string; stderr: string } {
  const r = spawnSync("buildah", [...storageArgs, ...args], { encoding: "utf8", timeout: opts.timeoutMs ?? 120_000, maxBuffer: 64 << 20 });
  return { status: r.status ?? -1, stdout: r.stdout ?? "", stderr: (r.stderr ?? "") + (r.error ? String(r.error) : "") };
}

/** Like buildah(), but throws with its stderr when it fails; returns stdout trimmed. */
export function buildahOk(args: string[], opts: { timeoutMs?: number } = {}): string {
  const r = buildah(args, opts);
  if (r.status !== 0) throw new Error(`buildah ${args.join(" ")} failed (exit ${r.status}):\n${r.stderr.slice(-4000)}`);
  return r.stdout.trim();
}

export const imageExists = (ref: string) => buildah(["inspect", "--type", "image", ref]).status === 0;

/** Last line of a provisioning script's stdout (the image name), or undefined. */
function provisioned(cmd: string, args: string[]): string | undefined {
  const r = spawnSync(cmd, args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
  if (r.status !== 0) throw new Error(`${args.join(" ")} failed (exit ${r.status}): ${r.stderr}`);
  return r.stdout.trim().split("\n").pop() || undefined;
}

export interface BuiltImage {
  /** localhost/impulse:test-<hash of its inputs> */
  ref: string;
  /** The stand-in for node:24-slim it was built on. */
  base: string;
  /** How long tools/image/build.mjs took for this image, when it recorded it. */
  buildSeconds: number | undefined;
}

const HINT = "run `node tools/image/build.mjs` (npm test does; a cold build takes minutes, more than a test file may)";

/**
 * The image of the current tree, as tools/image/build.mjs built it before the suites ran. A test never builds it: the
 * build outlasts a test file's timeout, and would compete with the other suites for the two cores.
 */
export function builtImage(): BuiltImage {
  const base = provisioned("bash", [join(repoRoot, "tools/image/install.sh"), "--ref"]);
  if (!base) throw new Error(`the stand-in base image is not built: ${HINT}`);
  const ref = provisioned(process.execPath, [join(repoRoot, "tools/image/build.mjs"), "--ref"]);
  if (!ref) {
    let failed = "";
    try {
      failed = readFileSync(join(store, "..", "image", "app-build-failed.log"), "utf8");
    } catch {
      // no failed build recorded
    }
    if (failed) throw new Error(`the last build of the Dockerfile failed (${failed.split("\n")[0]}):\n${failed.slice(failed.indexOf("\n") + 1)}`);
    throw new Error(`no image for the current sources (the Dockerfile, or a workspace the CLI needs, changed): ${HINT}`);
  }
  let buildSeconds: number | undefined;
  try {
    const rec = JSON.parse(readFileSync(join(store, "..", "image", "app-build.json"), "utf8")) as { ref: string; seconds: number };
    if (rec.ref === ref) buildSeconds = rec.seconds;
  } catch {
    // not recorded
  }
  return { ref, base, buildSeconds };
}

/** A file of the Debian root filesystem the stand-in base starts from (the tarball tools/image/install.sh caches). */
export function baseRootfsFile(path: string): Buffer {
  const tar = provisioned("bash", [join(repoRoot, "tools/image/install.sh"), "--rootfs"]);
  const r = spawnSync("tar", ["-xOf", tar!, `./${path.replace(/^\//, "")}`], { maxBuffer: 64 << 20 });
  if (r.status !== 0) throw new Error(`tar -xOf ${tar} ${path}: ${r.stderr}`);
  return r.stdout;
}

export interface ImageConfig {
  User?: string;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  WorkingDir?: string;
  Labels?: Record<string, string>;
}

export function imageConfig(ref: string): ImageConfig {
  return (JSON.parse(buildahOk(["inspect", "--type", "image", ref])) as { OCIv1: { config: ImageConfig } }).OCIv1.config;
}
