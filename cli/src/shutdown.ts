// Stop signals: SIGINT/SIGTERM/SIGHUP abort one AbortSignal that every start-up step and runtime listens to.
import type { Logger } from "pino";

/** A shutdown that has not finished by then is stuck (a hung connection): exit anyway, killing child processes. */
const FORCED_EXIT_MS = 20_000;

/**
 * Aborts on SIGINT/SIGTERM, and SIGHUP (the terminal closed); a second signal exits at once. Install it before starting anything, so a signal at any
 * moment of start-up reaches code that stops what was started (Node's default action would exit on the spot and
 * orphan a child nats-server).
 */
export function shutdownSignal(log: Logger): AbortSignal {
  const ac = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    if (ac.signal.aborted) process.exit(130);
    log.info({ signal: sig }, "shutting down");
    ac.abort(new ShutdownRequested(sig));
    setTimeout(() => {
      log.error({ afterMs: FORCED_EXIT_MS }, "shutdown did not finish in time; exiting");
      process.exit(1);
    }, FORCED_EXIT_MS).unref();
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("SIGHUP", onSignal);
  return ac.signal;
}

/** The abort reason of a stop signal: callers that see it stop quietly instead of reporting an error. */
export class ShutdownRequested extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`received ${signal}`);
    this.name = "ShutdownRequested";
  }
}

/** Resolves or rejects as `p` does, or rejects with the signal's reason as soon as it aborts (start-up steps that could hang). */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener("abort", onAbort));
  });
}
