// Starts the local Lambda Invoke API (serverless-offline running tools/lambda's real handlers) on free ports; stops it by process group.
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@impulse/bus";
import { repoRoot } from "./cli.js";
import { stopServersOnKill } from "./reaper.js";

export const SERVERLESS_VERSION = "3.40.0";
const SERVICE = "impulse";
const STAGE = "test";

/** Where tools/lambda/install.sh puts serverless + serverless-offline. */
export function serverlessDir(): string {
  return join(process.env["IMPULSE_INFRA_CACHE"] ?? join(homedir(), ".cache", "impulse-infra"), `serverless-${SERVERLESS_VERSION}`);
}

/** One line a tools/lambda handler wrote: what the function received. */
export interface LambdaRecord {
  functionName: string;
  event: unknown;
  /** The caller's ClientContext as the handler saw it (context.clientContext). */
  clientContext: unknown;
}

export interface LambdaEmulator {
  /** Invoke API base URL, for the SDK's (and the trigger's) `endpoint`. */
  endpoint: string;
  /** Full function name for a handler in tools/lambda/serverless.yml: "record" → "impulse-test-record". */
  functionName(short: string): string;
  /** Events the function `short` received so far, oldest first. */
  received(short: string): Promise<unknown[]>;
  /** Everything the function `short` recorded (event, functionName, clientContext). */
  records(short: string): Promise<LambdaRecord[]>;
  pid: number | undefined;
  stop(): Promise<void>;
}

function stopGroup(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null || proc.signalCode !== null || proc.pid === undefined) return Promise.resolve();
  const pid = proc.pid;
  return new Promise((resolve) => {
    const kill = setTimeout(() => signalGroup(pid, "SIGKILL"), 10_000);
    proc.once("exit", () => {
      clearTimeout(kill);
      // Handlers run in worker threads of this process, but reap any stray child of the group too.
      signalGroup(pid, "SIGKILL");
      resolve();
    });
    signalGroup(pid, "SIGTERM");
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    /* already gone */
  }
}

export async function startLambda(opts: { timeoutMs?: number; onLog?: (line: string) => void } = {}): Promise<LambdaEmulator> {
  stopServersOnKill();
  const dir = serverlessDir();
  const bin = join(dir, "node_modules", "serverless", "bin", "serverless.js");
  if (!existsSync(bin) || !existsSync(join(dir, "node_modules", "serverless-offline", "package.json"))) {
    throw new Error(`serverless-offline is not installed in ${dir}: run \`bash tools/lambda/install.sh\` (npm test does this)`);
  }
  const recordDir = mkdtempSync(join(tmpdir(), "impulse-lambda-"));
  const [lambdaPort, httpPort, websocketPort, albPort] = [await freePort(), await freePort(), await freePort(), await freePort()];
  const proc = spawn(process.execPath, [bin, "offline", "start"], {
    cwd: join(repoRoot, "tools", "lambda"),
    // Its own process group, so stop() reaches everything it started.
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: {
      ...process.env,
      IMPULSE_LAMBDA_RECORD_DIR: recordDir,
      IMPULSE_LAMBDA_PORT: String(lambdaPort),
      IMPULSE_LAMBDA_HTTP_PORT: String(httpPort),
      IMPULSE_LAMBDA_WEBSOCKET_PORT: String(websocketPort),
      IMPULSE_LAMBDA_ALB_PORT: String(albPort),
      SLS_TELEMETRY_DISABLED: "1",
      SLS_NOTIFICATIONS_MODE: "off",
      SLS_DEPRECATION_DISABLE: "*",
    },
  });
  const killOnExit = () => proc.pid !== undefined && signalGroup(proc.pid, "SIGKILL");
  process.once("exit", killOnExit);
  proc.once("exit", () => process.removeListener("exit", killOnExit));

  let output = "";
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serverless-offline did not start within ${opts.timeoutMs ?? 60_000} ms:\n${output}`)), opts.timeoutMs ?? 60_000);
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      text.split("\n").filter(Boolean).forEach((l) => opts.onLog?.(l));
      if (output.includes(`listening on http://127.0.0.1:${lambdaPort}`)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", onData);
    proc.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serverless-offline exited with code ${code}:\n${output}`));
    });
  });
  try {
    await ready;
  } catch (e) {
    await stopGroup(proc);
    rmSync(recordDir, { recursive: true, force: true });
    throw e;
  }

  const functionName = (short: string) => `${SERVICE}-${STAGE}-${short}`;
  const records = async (short: string): Promise<LambdaRecord[]> => {
    const file = join(recordDir, `${functionName(short)}.jsonl`);
    if (!existsSync(file)) return [];
    return readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as LambdaRecord);
  };
  return {
    endpoint: `http://127.0.0.1:${lambdaPort}`,
    functionName,
    records,
    received: async (short) => (await records(short)).map((r) => r.event),
    get pid() {
      return proc.pid;
    },
    stop: async () => {
      await stopGroup(proc);
      rmSync(recordDir, { recursive: true, force: true });
    },
  };
}
