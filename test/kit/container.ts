// Runs a command of a built image as its pod would (`buildah from` + `buildah run`), root filesystem read-only except /tmp.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { lstatSync, mkdirSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { buildah, buildahOk, imageConfig, storageArgs } from "./buildah.js";

export interface RunOptions {
  /** Extra environment, as a pod's `env`. */
  env?: Record<string, string>;
  /** Host directories lent read-only, as a pod's ConfigMap or Secret volumes: container path (no symlinks on the way) -> host path. */
  mounts?: Record<string, string>;
}

/**
 * The arguments that make the working container's root filesystem read-only except /tmp, as `readOnlyRootFilesystem`
 * with an emptyDir on /tmp does. buildah run has no --read-only, so every top-level directory of the container's own
 * root is bound read-only onto itself, and /tmp is a fresh tmpfs. Left writable, as in a pod: /dev/shm (buildah binds the
 * host's), and the bare `/` and /run (buildah creates /run/.containerenv there), which only root can write to.
 */
function readOnlyArgs(rootfs: string): string[] {
  const args: string[] = ["--mount", "type=tmpfs,destination=/tmp"];
  for (const name of readdirSync(rootfs)) {
    const p = join(rootfs, name);
    if (lstatSync(p).isSymbolicLink() || !lstatSync(p).isDirectory()) continue;
    if (["tmp", "proc", "sys", "dev", "run"].includes(name)) continue;
    args.push("--mount", `type=bind,source=${p},destination=/${name},ro`);
  }
  // /run/lock is world-writable in Debian: bind it read-only too.
  args.push("--mount", `type=bind,source=${join(rootfs, "run", "lock")},destination=/run/lock,ro`);
  return args;
}

export interface ContainerProcess {
  proc: ChildProcess;
  output: () => string;
  /** Resolves with the exit code once the process has ended and its output is read. */
  exited: Promise<number | null>;
  /** SIGTERM to the image's process (buildah run would SIGKILL it). Resolves with its exit code. */
  stop(): Promise<number | null>;
}

/** Descendants of `pid` (via /proc), deepest last. */
function descendants(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const d of readdirSync("/proc")) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const stat = readFileSync(`/proc/${d}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(d)]);
    } catch {
      // exited meanwhile
    }
  }
  const out: number[] = [];
  const walk = (p: number) => (children.get(p) ?? []).forEach((c) => (out.push(c), walk(c)));
  walk(pid);
  return out;
}

export interface WorkingContainer {
  name: string;
  /** Its root filesystem on the host (`buildah mount`): read files of the image without running anything. */
  rootfs: string;
  /** Starts `args` after the image's ENTRYPOINT, as a pod's `args`. */
  run(args: string[], opts?: RunOptions): ContainerProcess;
  /** Starts `argv` as is (no ENTRYPOINT). */
  start(argv: string[], opts?: RunOptions): ContainerProcess;
  /** Runs `argv` to completion. */
  exec(argv: string[], opts?: RunOptions): Promise<{ status: number | null; output: string }>;
  /** Sizes in KiB of every file and directory down to /a/b/c/d in the image, by absolute path ("/" is the whole). */
  du(): Map<string, number>;
  remove(): void;
}

const PREFIX = "impulse-test-";

/**
 * One working container of `ref` for a whole suite: with vfs, `buildah from` copies the image's every file (seconds per
 * copy on a busy machine), and processes that only read can share one root filesystem, as pods share an image.
 * Containers left by a test process that died (its pid is in the name) are removed first.
 */
export function workingContainer(ref: string): WorkingContainer {
  for (const n of buildah(["containers", "--format", "{{.ContainerName}}"]).stdout.split("\n")) {
    const pid = Number(new RegExp(`^${PREFIX}(\\d+)-`).exec(n)?.[1]);
    if (pid && !alive(pid)) buildah(["rm", n]);
  }
  const name = `${PREFIX}${process.pid}-${randomBytes(3).toString("hex")}`;
  buildahOk(["from", "--quiet", "--pull-never", "--name", name, ref]);
  const rootfs = buildahOk(["mount", name]);
  const entrypoint = imageConfig(ref).Entrypoint ?? [];
  const start = (argv: string[], opts: RunOptions = {}) => runIn(name, rootfs, argv, opts);
  return {
    name,
    rootfs,
    start,
    run: (args, opts) => start([...entrypoint, ...args], opts),
    async exec(argv, opts) {
      const c = start(argv, opts);
      return { status: await c.exited, output: c.output() };
    },
    du() {
      // One walk of the whole tree (a du per path would walk it again for each).
      const r = spawnSync("du", ["-ak", "--max-depth=4", "."], { cwd: rootfs, encoding: "utf8", maxBuffer: 64 << 20 });
      const sizes = new Map<string, number>();
      for (const line of r.stdout.split("\n")) {
        const [kib, path] = line.split("\t");
        if (path) sizes.set(path === "." ? "/" : path.slice(1), Number(kib));
      }
      return sizes;
    },
    remove: () => void buildah(["rm", name]),
  };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** Starts `argv` in the working container, as the image's USER, read-only except /tmp, on the host's network. */
function runIn(name: string, rootfs: string, argv: string[], opts: RunOptions): ContainerProcess {
  // The runtime makes the mount points, as the kubelet does: buildah cannot create them inside the read-only binds.
  for (const to of Object.keys(opts.mounts ?? {})) mkdirSync(join(rootfs, to), { recursive: true });
  // After the read-only binds of the top-level directories, or those would hide them.
  const mounts = Object.entries(opts.mounts ?? {}).flatMap(([to, from]) => ["--mount", `type=bind,source=${from},destination=${to},ro`]);
  const env = Object.entries(opts.env ?? {}).flatMap(([k, v]) => ["--env", `${k}=${v}`]);
  // No --user: the image's own USER must be what the process runs as (the test checks the uid).
  const proc = spawn("buildah", [...storageArgs, "run", "--isolation", "chroot", "--network", "host", ...readOnlyArgs(rootfs), ...mounts, ...env, name, "--", ...argv], {
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  let out = "";
  proc.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  proc.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  // "close", not "exit": the output is complete then.
  const exited = new Promise<number | null>((resolve) => proc.once("close", (code) => resolve(code)));
  let done = false;
  void exited.then(() => (done = true));
  // If the test process dies first, do not leave the container's processes behind (buildah run kills them with itself).
  const killOnExit = () => {
    try {
      process.kill(-proc.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  };
  process.once("exit", killOnExit);
  void exited.then(() => process.removeListener("exit", killOnExit));
  return {
    proc,
    output: () => out,
    exited,
    async stop() {
      if (!done) {
        const main = descendants(proc.pid!).reverse().find((p) => {
          try {
            return basename(readFileSync(`/proc/${p}/cmdline`, "utf8").split("\0")[0]!) === basename(argv[0]!);
          } catch {
            return false;
          }
        });
        try {
          process.kill(main ?? proc.pid!, "SIGTERM");
        } catch {
          // exited meanwhile
        }
        const timer = setTimeout(killOnExit, 15_000);
        await exited;
        clearTimeout(timer);
      }
      return exited;
    },
  };
}
