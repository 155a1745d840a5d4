// Starts moto_server (AWS API emulator, installed by tools/moto/install.sh) for one test file on a free loopback port.
import type { ChildProcess } from "node:child_process";
import { homedir } from "node:os";
import { join } from "node:path";
import { freePort, stopProcess } from "@impulse/bus";
import { stopServersOnKill } from "./reaper.js";
import { spawnServer, untilReady } from "./server-process.js";

export const MOTO_VERSION = "5.2.5";
/** Any keys work against moto; clients still need some to sign requests. */
export const MOTO_CREDENTIALS = { accessKeyId: "testing", secretAccessKey: "testing" };
export const MOTO_REGION = "us-east-1";

export interface MotoServer {
  /** http://127.0.0.1:port, the `endpoint` of SDK clients. */
  endpoint: string;
  port: number;
  pid: number | undefined;
  /** Stops it (moto keeps its state in memory: everything is gone) until start() brings it back on the same port. */
  pause(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

const binary = () => join(homedir(), ".cache", "impulse-infra", `moto-${MOTO_VERSION}`, "bin", "moto_server");

/** Ready when its management API answers (anything below 500: it is up). */
async function answers(endpoint: string): Promise<boolean> {
  const r = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2000) });
  await r.body?.cancel();
  return r.status < 500;
}

export async function startMoto(): Promise<MotoServer> {
  stopServersOnKill();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let proc: ChildProcess | undefined;
  const launch = async () => {
    const server = spawnServer(binary(), ["-H", "127.0.0.1", "-p", String(port)], { env: { ...process.env, AWS_DEFAULT_REGION: MOTO_REGION } });
    proc = server.proc;
    await untilReady("moto_server", server, () => answers(endpoint), { intervalMs: 200 });
  };
  await launch();
  return {
    endpoint,
    port,
    get pid() {
      return proc?.pid;
    },
    pause: async () => {
      if (proc) await stopProcess(proc);
    },
    start: launch,
    stop: async () => {
      if (proc) await stopProcess(proc);
    },
  };
}
