// Runs the built `impulse` CLI as a child process (as a pod or a user would), and stops it by PID.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { request } from "undici";
import { waitFor } from "./wait.js";
import { freePort } from "@impulse/bus";

export const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
export const cliMain = join(repoRoot, "cli", "dist", "main.js");

function requireBuilt(): void {
  if (!existsSync(cliMain)) throw new Error(`${cliMain} is missing: run \`npm run build\` (npm test does)`);
}

export function runCli(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { status: number; stdout: string; stderr: string } {
  requireBuilt();
  const r = spawnSync(process.execPath, [cliMain, ...args], { cwd: opts.cwd ?? repoRoot, encoding: "utf8", timeout: 60_000, ...(opts.env ? { env: opts.env } : {}) });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export interface CliProcess {
  proc: ChildProcess;
  output: () => string;
  /** Resolves with the exit code after a signal. */
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

export function spawnCli(args: string[], env: Record<string, string> = {}): CliProcess {
  requireBuilt();
  const proc = spawn(process.execPath, [cliMain, ...args], { cwd: repoRoot, env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  proc.stdout!.on("data", (c: Buffer) => (out += c.toString()));
  proc.stderr!.on("data", (c: Buffer) => (out += c.toString()));
  return {
    proc,
    output: () => out,
    stop: (signal = "SIGTERM") =>
      new Promise((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve(proc.exitCode);
        proc.once("exit", (code) => resolve(code));
        proc.kill(signal);
      }),
  };
}

/** Waits until a runtime started with --metrics-port answers 200 on /health; fails fast if it exited. */
export async function waitHealthy(p: CliProcess, metricsPort: number, timeoutMs = 30_000): Promise<void> {
  await waitFor(
    "runtime health",
    async () => {
      if (p.proc.exitCode !== null) throw new Error("runtime exited:\n" + p.output());
      try {
        const r = await request(`http://127.0.0.1:${metricsPort}/health`);
        await r.body.dump();
        return r.statusCode === 200;
      } catch {
        return false;
      }
    },
    timeoutMs,
  );
}

/**
 * Runs `impulse eventsource|sensor -f <file>` as its pod would, with /metrics and /health on a free port, and waits
 * until it is healthy. `started` collects it for the suite's cleanup even when it never becomes healthy.
 */
export async function startRuntime(
  kind: "eventsource" | "sensor",
  file: string,
  args: string[],
  started: CliProcess[],
  env: Record<string, string> = {},
): Promise<CliProcess & { metricsPort: number }> {
  const metricsPort = await freePort();
  const p = spawnCli([kind, "-f", file, "--metrics-port", String(metricsPort), ...args], env);
  started.push(p);
  await waitHealthy(p, metricsPort);
  return { ...p, metricsPort };
}

