// Starts a real redis-server for one test file (Debian's package, installed by tools/redis/install.sh) on a free port with its own dir.
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, stopProcess } from "@impulse/bus";
import { Redis, type RedisOptions } from "ioredis";
import { stopServersOnKill } from "./reaper.js";

export interface RedisServer {
  /** host:port, as Argo's hostAddress. */
  address: string;
  port: number;
  pid: number | undefined;
  /** A client of db 0 (or `db`) for the test's own commands; closed by stop(). */
  client(db?: number): Redis;
  /** Stops it, keeping its data (append-only file) and port, until start(). */
  pause(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Server certificate files and the CA (PEM) clients verify it with, e.g. test/kit/certs.ts's serverCerts(). */
export interface RedisTls {
  certFile: string;
  keyFile: string;
  caFile: string;
  ca: string;
}

async function waitReady(port: number, tls: RedisOptions["tls"], proc: ChildProcess, output: () => string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited with code ${proc.exitCode}:\n${output()}`);
    const c = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, ...(tls ? { tls } : {}) });
    c.on("error", () => undefined); // refused while it starts: expected
    try {
      await c.connect();
      if ((await c.ping()) === "PONG") return;
    } catch {
      /* not ready yet */
    } finally {
      c.disconnect();
    }
    if (Date.now() > deadline) throw new Error(`redis-server did not answer within ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** `extraArgs` are redis-server flags, e.g. ["--requirepass", "s3cret"]; with `tls` it serves TLS only. */
export async function startRedis(opts: { extraArgs?: string[]; tls?: RedisTls } = {}): Promise<RedisServer> {
  stopServersOnKill();
  const dir = mkdtempSync(join(tmpdir(), "impulse-redis-"));
  const port = await freePort();
  const clients: Redis[] = [];
  let proc: ChildProcess | undefined;
  let out = "";
  const t = opts.tls;
  const clientTls = t ? { ca: t.ca } : undefined;
  const listen = t
    ? ["--port", "0", "--tls-port", String(port), "--tls-cert-file", t.certFile, "--tls-key-file", t.keyFile, "--tls-ca-cert-file", t.caFile, "--tls-auth-clients", "no"]
    : ["--port", String(port)];
  const launch = async () => {
    // Loopback only, no RDB snapshots, an append-only file so that a pause keeps the streams.
    const args = [...listen, "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "yes", "--daemonize", "no", "--protected-mode", "yes", ...(opts.extraArgs ?? [])];
    let child: ChildProcess;
    try {
      child = spawn("redis-server", args, { stdio: ["ignore", "pipe", "pipe"] });
    } catch (e) {
      throw new Error(`redis-server could not start (run \`bash tools/redis/install.sh\`; npm test does): ${(e as Error).message}`);
    }
    proc = child;
    const keep = (c: Buffer) => {
      out += c.toString();
      if (out.length > 50_000) out = out.slice(-20_000);
    };
    child.stdout!.on("data", keep);
    child.stderr!.on("data", keep);
    child.once("error", (e) => (out += `\n${e.message}`));
    const killOnExit = () => child.kill("SIGKILL");
    process.once("exit", killOnExit);
    child.once("exit", () => process.removeListener("exit", killOnExit));
    await waitReady(port, clientTls, child, () => out);
  };
  await launch();
  return {
    address: `127.0.0.1:${port}`,
    port,
    get pid() {
      return proc?.pid;
    },
    client: (db = 0) => {
      const c = new Redis({ port, host: "127.0.0.1", db, maxRetriesPerRequest: 3, ...(clientTls ? { tls: clientTls } : {}) });
      c.on("error", () => undefined); // outages are what some tests make
      clients.push(c);
      return c;
    },
    pause: async () => {
      if (proc) await stopProcess(proc);
    },
    start: launch,
    stop: async () => {
      for (const c of clients) c.disconnect();
      if (proc) await stopProcess(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
