// Starts moto_server (AWS API emulator, installed by tools/moto/install.sh) for one test file on a free loopback port.
import { spawn, type ChildProcess } from "node:child_process";
import { homedir } from "node:os";
import { join } from "node:path";
import { freePort, stopProcess } from "@impulse/bus";
import { stopServersOnKill } from "./reaper.js";

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

async function waitReady(endpoint: string, proc: ChildProcess, output: () => string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`moto_server exited with code ${proc.exitCode}:\n${output()}`);
    try {
      const r = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(2000) });
      await r.body?.cancel();
      if (r.status < 500) return;
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) throw new Error(`moto_server did not answer within ${timeoutMs} ms:\n${output()}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export async function startMoto(): Promise<MotoServer> {
  stopServersOnKill();
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  let proc: ChildProcess | undefined;
  let out = "";
  const launch = async () => {
    let child: ChildProcess;
    try {
      child = spawn(binary(), ["-H", "127.0.0.1", "-p", String(port)], { stdio: ["ignore", "pipe", "pipe"], env: { ...process.env, ...{ AWS_DEFAULT_REGION: MOTO_REGION } } });
    } catch (e) {
      throw new Error(`moto_server could not start (run \`bash tools/moto/install.sh\`; npm test does): ${(e as Error).message}`);
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
    await waitReady(endpoint, child, () => out);
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
