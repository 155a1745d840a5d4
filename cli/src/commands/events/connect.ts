// Which bus `impulse events` talks to: flags, then environment, then the bus a running `impulse dev` wrote down.
import { existsSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { ErrorCodes, ImpulseError, isImpulseError, parseGoDuration } from "@impulse/api";
import { JournalClient } from "@impulse/bus";
import { parseBusAuth } from "../../bus-auth.js";

export interface BusFlags {
  natsUrl?: string;
  namespace?: string;
  bus?: string;
  dataDir?: string;
  json?: boolean;
}

/** Exit codes of every `impulse events` command (docs/cli.md). */
export const EXIT = { ok: 0, error: 1, usage: 2, notFound: 3, noJournal: 4, failedFiring: 5 } as const;

export class UsageError extends Error {}

/** Where `impulse dev` records the URL of the nats-server it started, inside its data dir. */
export const DEV_STATE_FILE = "impulse-dev.json";

export function devStatePath(dataDir: string | undefined): string {
  return join(resolve(dataDir ?? ".impulse/nats"), DEV_STATE_FILE);
}

export function busUrl(flags: BusFlags, env: NodeJS.ProcessEnv): string {
  const url = flags.natsUrl ?? env["IMPULSE_BUS_URL"];
  if (url) return url;
  const state = devStatePath(flags.dataDir);
  if (existsSync(state)) return (JSON.parse(readFileSync(state, "utf8")) as { url: string }).url;
  throw new UsageError(`no bus to talk to: pass --nats-url (or set IMPULSE_BUS_URL), or run \`impulse dev\` in this directory (it writes ${state})`);
}

export async function openJournal(flags: BusFlags, env: NodeJS.ProcessEnv = process.env): Promise<JournalClient> {
  return JournalClient.connect({
    url: busUrl(flags, env),
    namespace: flags.namespace ?? env["IMPULSE_NAMESPACE"] ?? "local",
    busName: flags.bus ?? "default",
    ...parseBusAuth(env["IMPULSE_BUS_AUTH"]),
  });
}

/** `--since 10m` (a Go duration back from now) or an RFC 3339 time. */
export function parseTime(flag: string, value: string | undefined, now = Date.now()): Date | undefined {
  if (value === undefined) return undefined;
  const ms = parseGoDuration(value);
  if (ms !== undefined) return new Date(now - ms);
  const t = Date.parse(value);
  if (Number.isNaN(t)) throw new UsageError(`${flag} ${value}: expected a duration back from now (10m, 2h) or an RFC 3339 time`);
  return new Date(t);
}

/** Runs a command: prints what went wrong on stderr (as JSON with --json) and maps it to its exit code. */
export async function run(flags: BusFlags, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (e) {
    const code =
      e instanceof UsageError
        ? EXIT.usage
        : isImpulseError(e) && e.code === ErrorCodes.NotFound
          ? EXIT.notFound
          : isImpulseError(e) && e.code === ErrorCodes.JournalUnavailable
            ? EXIT.noJournal
            : isImpulseError(e) && e.code === ErrorCodes.InvalidSpec
              ? EXIT.usage
              : EXIT.error;
    const message = (e as Error).message;
    const errCode = isImpulseError(e) ? e.code : e instanceof UsageError ? "USAGE" : "ERROR";
    console.error(flags.json ? JSON.stringify({ error: { code: errCode, message } }) : `impulse events: ${message}`);
    return code;
  }
}

export { ImpulseError };
