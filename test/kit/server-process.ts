// A test server's child process, as every launcher in the kit needs it: the tail of its output for error messages, no
// orphan when the test process exits without stopping it (a failed assertion, a timeout: see reaper.ts), and a
// readiness wait that fails fast, saying why, when the server dies during start-up.
import { spawn, type ChildProcess, type SpawnOptions } from "node:child_process";

/** The last output of a server, bounded: a suite that runs for minutes must not keep every log line it printed. */
export class OutputTail {
  private text = "";
  constructor(private readonly keepChars = 100_000) {}

  append(chunk: string): void {
    this.text += chunk;
    // Trimmed to half at a time, so a chatty server does not copy the whole buffer on every chunk.
    if (this.text.length > this.keepChars) this.text = this.text.slice(-this.keepChars / 2);
  }

  toString(): string {
    return this.text;
  }
}

export interface ServerProcess {
  readonly proc: ChildProcess;
  /** stdout and stderr interleaved, plus a spawn error ("spawn redis-server ENOENT"). */
  output(): string;
  /** Why it is not running, or undefined while it runs: a spawn error, an exit code or a signal. */
  ended(): string | undefined;
}

/**
 * Starts `command` with stdout/stderr captured into `tail` (a fresh one unless given: pass one to keep the output of
 * earlier runs across a restart). The child is SIGKILLed if this process exits while it runs.
 */
export function spawnServer(command: string, args: readonly string[], opts: Omit<SpawnOptions, "stdio"> & { tail?: OutputTail } = {}): ServerProcess {
  const { tail = new OutputTail(), ...spawnOpts } = opts;
  const proc = spawn(command, args, { ...spawnOpts, stdio: ["ignore", "pipe", "pipe"] });
  const keep = (c: Buffer) => tail.append(c.toString());
  proc.stdout!.on("data", keep);
  proc.stderr!.on("data", keep);
  let spawnError: Error | undefined;
  const killOnExit = () => proc.kill("SIGKILL");
  process.once("exit", killOnExit);
  proc.once("exit", () => process.removeListener("exit", killOnExit));
  proc.once("error", (e) => {
    spawnError = e;
    tail.append(`\n${e.message}\n`);
    process.removeListener("exit", killOnExit);
  });
  return {
    proc,
    output: () => tail.toString(),
    ended: () =>
      spawnError ? `could not be started (${spawnError.message}; its install script in tools/ provides it, and npm test runs that)`
      : proc.exitCode !== null ? `exited with code ${proc.exitCode}`
      : proc.signalCode !== null ? `was killed by ${proc.signalCode}`
      : undefined,
  };
}

/** How much of a server's output an error message carries: its last start-up lines or its crash. */
const ERROR_TAIL_CHARS = 4000;

/**
 * Polls `ready` until it returns true. A probe that throws counts as "not yet" (a server refuses connections while
 * it starts). Throws, with the output's tail, once the process has exited or could not be spawned, or at the deadline.
 */
export async function untilReady(name: string, server: ServerProcess, ready: () => boolean | Promise<boolean>, o: { timeoutMs?: number; intervalMs?: number } = {}): Promise<void> {
  const { timeoutMs = 30_000, intervalMs = 100 } = o;
  const deadline = Date.now() + timeoutMs;
  const tail = () => server.output().slice(-ERROR_TAIL_CHARS);
  for (;;) {
    const ended = server.ended();
    if (ended) throw new Error(`${name} ${ended} during start-up:\n${tail()}`);
    try {
      if (await ready()) return;
    } catch {
      /* not ready yet */
    }
    if (Date.now() > deadline) throw new Error(`${name} did not become ready within ${timeoutMs} ms:\n${tail()}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
