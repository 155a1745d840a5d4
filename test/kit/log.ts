// A logger for tests: silent unless IMPULSE_TEST_LOG=1, so failures are readable; or one that keeps its lines.
import { Writable } from "node:stream";
import { pino, type Logger } from "pino";

export function testLogger(): Logger {
  return pino({ level: process.env["IMPULSE_TEST_LOG"] ? "debug" : "silent" });
}

/** A debug-level logger whose JSON lines are kept, to assert what was (and was not) logged, e.g. that no secret was. */
export function capturingLogger(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const logger = pino({ level: "debug" }, new Writable({ write: (c: Buffer, _e, cb) => (lines.push(c.toString()), cb()) }));
  return { logger, lines };
}
