// Starts a real redis-server for one test file (Debian's package, installed by tools/redis/install.sh) on a free port with its own dir.
import type { ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, stopProcess } from "@impulse/bus";
import { Redis, type RedisOptions } from "ioredis";
import { stopServersOnKill } from "./reaper.js";
import { spawnServer, untilReady } from "./server-process.js";

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

/** Ready when it answers PING (on TLS, with a verified handshake). */
async function answersPing(port: number, tls: RedisOptions["tls"]): Promise<boolean> {
  const c = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, ...(tls ? { tls } : {}) });
  c.on("error", () => undefined); // refused while it starts: expected
  try {
    await c.connect();
    return (await c.ping()) === "PONG";
  } finally {
    c.disconnect();
  }
}

/** `extraArgs` are redis-server flags, e.g. ["--requirepass", "s3cret"]; with `tls` it serves TLS only. */
export async function startRedis(opts: { extraArgs?: string[]; tls?: RedisTls } = {}): Promise<RedisServer> {
  stopServersOnKill();
  const dir = mkdtempSync(join(tmpdir(), "impulse-redis-"));
  const port = await freePort();
  const clients: Redis[] = [];
  let proc: ChildProcess | undefined;
  const t = opts.tls;
  const clientTls = t ? { ca: t.ca } : undefined;
  const listen = t
    ? ["--port", "0", "--tls-port", String(port), "--tls-cert-file", t.certFile, "--tls-key-file", t.keyFile, "--tls-ca-cert-file", t.caFile, "--tls-auth-clients", "no"]
    : ["--port", String(port)];
  const launch = async () => {
    // Loopback only, no RDB snapshots, an append-only file so that a pause keeps the streams.
    const args = [...listen, "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "yes", "--daemonize", "no", "--protected-mode", "yes", ...(opts.extraArgs ?? [])];
    const server = spawnServer("redis-server", args);
    proc = server.proc;
    await untilReady("redis-server", server, () => answersPing(port, clientTls), { timeoutMs: 20_000 });
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
