// A logger for tests: silent unless IMPULSE_TEST_LOG=1, so failures are readable.
import { pino, type Logger } from "pino";

export function testLogger(): Logger {
  return pino({ level: process.env["IMPULSE_TEST_LOG"] ? "debug" : "silent" });
}
