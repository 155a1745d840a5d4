// Starts a real MinIO server (built by tools/minio/install.sh) for one test file: free loopback port, own data dir, root keys, stop by PID.
import type { ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent as HttpsAgent } from "node:https";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { freePort, stopProcess } from "@impulse/bus";
import { Client } from "minio";
import { request } from "undici";
import type { ServerCerts } from "./certs.js";
import { stopServersOnKill } from "./reaper.js";
import { spawnServer, untilReady, type ServerProcess } from "./server-process.js";

export const MINIO_VERSION = "v0.0.0-20260212201848-7aac2a2c5b7c";

export function minioBinary(): string {
  return process.env["MINIO_BIN"] ?? join(process.env["IMPULSE_INFRA_CACHE"] ?? join(homedir(), ".cache", "impulse-infra"), `minio-${MINIO_VERSION}-p1`, "minio");
}

export interface MinioServer {
  /** host:port, as Argo's endpoint field takes it. */
  endpoint: string;
  port: number;
  accessKey: string;
  secretKey: string;
  /** With `tls`: the CA (PEM) that signed the server's certificate. */
  caPem?: string;
  pid: number | undefined;
  /** A client with the root keys, for the test's own uploads and bucket setup. */
  client(): Client;
  /** SIGKILLs the server (an outage: connections drop at once), keeping its data and port, until start(). */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Polls its readiness endpoint (over HTTPS trusting `ca` when it serves TLS) until it answers 200. */
async function untilLive(base: string, server: ServerProcess, ca: string | undefined): Promise<void> {
  const { Agent } = await import("undici");
  const dispatcher = ca ? new Agent({ connect: { ca } }) : undefined;
  try {
    await untilReady("minio", server, async () => {
      const r = await request(`${base}/minio/health/ready`, { ...(dispatcher ? { dispatcher } : {}), headersTimeout: 2000, bodyTimeout: 2000 });
      await r.body.dump();
      return r.statusCode === 200;
    }, { timeoutMs: 60_000, intervalMs: 200 });
  } finally {
    await dispatcher?.close();
  }
}

/** `tls`: serve HTTPS with this certificate (test/kit/certs.ts's serverCerts()). */
export async function startMinio(opts: { tls?: ServerCerts } = {}): Promise<MinioServer> {
  stopServersOnKill();
  const binary = minioBinary();
  if (!existsSync(binary)) throw new Error(`minio not found at ${binary}: run \`bash tools/minio/install.sh\` (npm test does this)`);
  const dir = mkdtempSync(join(tmpdir(), "impulse-minio-"));
  const data = join(dir, "data");
  const certsDir = join(dir, "certs");
  mkdirSync(data);
  mkdirSync(certsDir);
  if (opts.tls) {
    // MinIO reads its certificate from <certs-dir>/public.crt and private.key.
    writeFileSync(join(certsDir, "public.crt"), opts.tls.cert);
    writeFileSync(join(certsDir, "private.key"), opts.tls.key);
  }
  const [port, consolePort] = [await freePort(), await freePort()];
  const accessKey = "impulse-root";
  const secretKey = `secret-${Math.random().toString(36).slice(2)}`;
  const base = `${opts.tls ? "https" : "http"}://127.0.0.1:${port}`;
  let proc: ChildProcess | undefined;
  const launch = async () => {
    const server = spawnServer(binary, ["server", data, "--address", `127.0.0.1:${port}`, "--console-address", `127.0.0.1:${consolePort}`, "--certs-dir", certsDir, "--quiet"], {
      env: {
        ...process.env,
        MINIO_ROOT_USER: accessKey,
        MINIO_ROOT_PASSWORD: secretKey,
        // No web console, no update checks, no telemetry: a test server talks to nothing but the test.
        MINIO_BROWSER: "off",
        MINIO_UPDATE: "off",
        MINIO_CALLHOME_ENABLE: "off",
      },
    });
    proc = server.proc;
    await untilLive(base, server, opts.tls?.ca);
  };
  await launch();
  const clients: Client[] = [];
  return {
    endpoint: `127.0.0.1:${port}`,
    port,
    accessKey,
    secretKey,
    ...(opts.tls ? { caPem: opts.tls.ca } : {}),
    get pid() {
      return proc?.pid;
    },
    client: () => {
      const c = new Client({
        endPoint: "127.0.0.1",
        port,
        useSSL: Boolean(opts.tls),
        accessKey,
        secretKey,
        region: "us-east-1",
        ...(opts.tls ? { transportAgent: new HttpsAgent({ ca: opts.tls.ca }) } : {}),
      });
      clients.push(c);
      return c;
    },
    kill: async () => {
      const p = proc;
      if (!p || p.exitCode !== null || p.signalCode !== null) return;
      await new Promise<void>((resolve) => {
        p.once("exit", () => resolve());
        p.kill("SIGKILL");
      });
    },
    start: launch,
    stop: async () => {
      if (proc) await stopProcess(proc);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
