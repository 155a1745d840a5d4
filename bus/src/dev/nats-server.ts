// Runs a local nats-server with JetStream as a child process, for `impulse dev`, `npm start` and the test kit.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { freePort } from "./free-port.js";
import { stopProcess } from "./process.js";

export const NATS_SERVER_VERSION = "2.15.1";

/** Where tools/nats/install.sh puts the binary; outside the repo so clones share it. */
export function natsCacheBinary(): string {
  return join(homedir(), ".cache", "impulse-infra", `nats-server-${NATS_SERVER_VERSION}`, "bin", "nats-server");
}

/** Finds a nats-server binary: an explicit path, the project cache, then PATH. */
export function findNatsServer(explicit?: string, pathEnv = ""): string | undefined {
  if (explicit) return existsSync(explicit) ? explicit : undefined;
  const cached = natsCacheBinary();
  if (existsSync(cached)) return cached;
  for (const dir of pathEnv.split(delimiter)) {
    const candidate = join(dir, "nats-server");
    if (dir && existsSync(candidate)) return candidate;
  }
  return undefined;
}

export interface NatsServerOptions {
  binary: string;
  /** JetStream store directory; a temp dir when omitted. Reuse it across restarts to keep the stream. */
  storeDir?: string;
  /** Client port; a free port when omitted. */
  port?: number;
  /** Print the server's own log lines (off by default). */
  onLog?: (line: string) => void;
  /** Aborting it while the server starts stops the server and rejects with the signal's reason. */
  signal?: AbortSignal;
  /** More command-line flags, e.g. ["--user", "u", "--pass", "p"] or ["-c", "nats.conf"]. */
  extraArgs?: string[];
}

export interface NatsServer {
  url: string;
  port: number;
  storeDir: string;
  pid: number | undefined;
  /** Stops the process (SIGTERM, then SIGKILL after 10 s). */
  stop(): Promise<void>;
  /** Starts it again on the same port and store (for outage tests). */
  restart(): Promise<void>;
}

async function waitReady(monitorPort: number, proc: ChildProcess, signal: AbortSignal | undefined, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (signal?.aborted) throw signal.reason;
    if (proc.exitCode !== null) throw new Error(`nats-server exited with code ${proc.exitCode}`);
    try {
      const res = await fetch(`http://127.0.0.1:${monitorPort}/healthz?js-enabled-only=true`);
      if (res.ok) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error("nats-server did not become ready in time");
}

/** Times a start is tried again when a port it was given was taken meanwhile (free ports are only free when looked at). */
const PORT_RETRIES = 3;

export async function startNatsServer(opts: NatsServerOptions): Promise<NatsServer> {
  let port = opts.port ?? (await freePort());
  const storeDir = opts.storeDir ?? mkdtempSync(join(tmpdir(), "impulse-nats-"));
  mkdirSync(storeDir, { recursive: true });
  let proc: ChildProcess;

  /** `moveClientPort`: a first start on a port we picked may pick another; a restart keeps its port (its URL is out). */
  const launch = async (moveClientPort: boolean) => {
    for (let attempt = 0; ; attempt++) {
      const monitorPort = await freePort();
      if (opts.signal?.aborted) throw opts.signal.reason;
      proc = spawn(opts.binary, ["-a", "127.0.0.1", "-p", String(port), "-m", String(monitorPort), "-js", "-sd", storeDir, ...(opts.extraArgs ?? [])], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      // The last lines, to say why a server that exits at start did (its error goes to its own log).
      const last: string[] = [];
      const forward = (chunk: Buffer) =>
        chunk.toString().split("\n").filter(Boolean).forEach((l) => {
          last.push(l);
          if (last.length > 5) last.shift();
          opts.onLog?.(l);
        });
      proc.stdout?.on("data", forward);
      proc.stderr?.on("data", forward);
      // If our process exits without stopping the server (an error path), do not leave it running.
      const child = proc;
      const killOnExit = () => child.kill("SIGKILL");
      process.once("exit", killOnExit);
      child.once("exit", () => process.removeListener("exit", killOnExit));
      try {
        await waitReady(monitorPort, proc, opts.signal);
        return;
      } catch (e) {
        // Never leave a half-started server behind (a stop signal during start-up, or it never became ready).
        await stopProcess(proc);
        if (opts.signal?.aborted) throw e;
        // Another process took one of the ports between freePort() and the server's bind: try fresh ones.
        if (attempt < PORT_RETRIES && last.some((l) => /address already in use/i.test(l))) {
          if (moveClientPort) port = await freePort();
          continue;
        }
        throw new Error(`${(e as Error).message}${last.length ? `: ${last.at(-1)}` : ""}`, { cause: e });
      }
    }
  };
  await launch(opts.port === undefined);

  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    storeDir,
    get pid() {
      return proc.pid;
    },
    stop: () => stopProcess(proc),
    restart: async () => {
      await stopProcess(proc);
      await launch(false);
    },
  };
}
