// The process logger: pino JSON on stdout.
import { pino, type Logger } from "pino";

export function createLogger(level: string, name: string): Logger {
  return pino({ level, base: { component: name }, timestamp: pino.stdTimeFunctions.isoTime });
}
