// The process logger: pino JSON lines on stdout (pods, pipes), or one readable line per entry via pino-pretty (a terminal).
import { pino, type Logger } from "pino";
import pretty from "pino-pretty";

/** Fields the pretty line shows as its prefix, so they are not repeated after the message. */
const PREFIX_FIELDS = ["eventSourceName", "sensorName", "triggerName", "sourceType", "eventBusName"];

function prefix(entry: Record<string, unknown>): string {
  if (entry["sensorName"]) return `sensor ${String(entry["sensorName"])}${entry["triggerName"] ? `/${String(entry["triggerName"])}` : ""}`;
  if (entry["eventSourceName"]) return `eventsource ${String(entry["eventSourceName"])}`;
  if (entry["eventBusName"]) return `eventbus ${String(entry["eventBusName"])}`;
  return "";
}

export function createLogger(level: string, name: string, format: "json" | "pretty" = "json"): Logger {
  const options = { level, base: { component: name }, timestamp: pino.stdTimeFunctions.isoTime };
  if (format === "json") return pino(options);
  const stream = pretty({
    // Colour only for a terminal: piped or redirected output stays plain text.
    colorize: Boolean(process.stdout.isTTY),
    sync: true,
    singleLine: true,
    // Errors are logged as message strings: keep them on the line, not on a block of their own.
    errorLikeObjectKeys: [],
    translateTime: "HH:MM:ss.l",
    ignore: ["component", "eventIds", "idempotencyKey", ...PREFIX_FIELDS].join(","),
    messageFormat: (entry, messageKey) => {
      const p = prefix(entry);
      return `${p ? `${p}: ` : ""}${String(entry[messageKey] ?? "")}`;
    },
  });
  return pino(options, stream);
}
