// Runs the git binary: no shell, no prompts (they fail instead of hanging), a timeout, and stderr kept for the error.
import { spawn } from "node:child_process";
import { redactUrl } from "@impulse/api";

export class GitCommandError extends Error {
  constructor(
    readonly args: string[],
    readonly stderr: string,
    readonly exitCode: number | null,
  ) {
    super(`git ${args.find((a) => !a.startsWith("-")) ?? ""} failed${exitCode === null ? "" : ` (exit ${exitCode})`}: ${summary(stderr)}`);
    this.name = "GitCommandError";
  }
}

/** The lines of git's stderr that say what went wrong, credentials in URLs masked. */
export function summary(stderr: string): string {
  const lines = stderr
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l && !/^(hint|warning: redirecting)/i.test(l));
  return redactUrl(lines.slice(-4).join("; ")) || "(no message)";
}

export interface GitOptions {
  /** `-c key=value` settings, put before the command: never secrets (the command line is visible to the pod's processes). */
  config?: string[];
  signal: AbortSignal;
  timeoutMs?: number;
}

/**
 * git's own variables beat the `-c` settings a source passes (GIT_SSH_COMMAND beats core.sshCommand, GIT_SSL_CAINFO beats
 * http.sslCAInfo) or point the command at another repository (GIT_DIR): the child runs without them. Everything else of
 * the process's environment (PATH, HOME, proxy settings) is passed on; this is hygiene for a child process, not config.
 */
export function childEnvironment(parent: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(parent)) if (!k.startsWith("GIT_")) env[k] = v;
  env["GIT_TERMINAL_PROMPT"] = "0";
  return env;
}

export function git(args: string[], opts: GitOptions): Promise<Buffer> {
  const full = [...(opts.config ?? []).flatMap((c) => ["-c", c]), ...args];
  return new Promise((resolve, reject) => {
    // GIT_TERMINAL_PROMPT=0 and ssh's BatchMode: a missing password or an unknown host key fails instead of prompting.
    const child = spawn("git", full, { env: childEnvironment(process.env), stdio: ["ignore", "pipe", "pipe"], signal: opts.signal, timeout: opts.timeoutMs ?? 120_000, killSignal: "SIGKILL" });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (c: Buffer) => out.push(c));
    child.stderr.on("data", (c: Buffer) => {
      if (err.length < 16_384) err += c.toString();
    });
    child.on("error", (e) => reject(new GitCommandError(args, (e as NodeJS.ErrnoException).code === "ENOENT" ? "the git binary is not installed (PATH)" : e.message, null)));
    child.on("close", (code, sig) => {
      if (code === 0) resolve(Buffer.concat(out));
      else reject(new GitCommandError(args, sig ? `${err}\nkilled by ${sig}${sig === "SIGKILL" ? " (timeout)" : ""}` : err, code));
    });
  });
}
