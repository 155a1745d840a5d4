// `impulse dev`: every EventSource and Sensor in the files, against a local nats-server it starts (or --nats-url).
import { mkdirSync } from "node:fs";
import { resolve } from "node:path";
import type { EventSource, Resource } from "@impulse/api";
import { findNatsServer, startNatsServer, type NatsServer } from "@impulse/bus";
import { readConfig, type CommonFlags } from "../config.js";
import { formatFindings, loadResources } from "../load.js";
import { createLogger } from "../logger.js";
import { shutdownSignal, startRuntime } from "../runtime.js";

function curlHints(resources: Resource[]): string[] {
  return resources
    .filter((r): r is EventSource => r.kind === "EventSource")
    .flatMap((r) =>
      Object.values(r.spec.webhook ?? {}).map((w) => {
        const method = w.method ?? "POST";
        const body = method === "GET" ? "" : ` -H 'Content-Type: application/json' -d '{"message":"hello"}'`;
        return `curl -X ${method}${body} http://localhost:${w.port}${w.endpoint}`;
      }),
    );
}

export async function dev(files: string[], flags: CommonFlags & { dataDir?: string; natsBin?: string }): Promise<number> {
  const cfg = readConfig(flags, process.env, { metricsPort: 0 });
  const log = createLogger(cfg.logLevel, "dev");
  const docs = loadResources(files);
  const { text, errorCount } = formatFindings(docs);
  if (text) console.error(text);
  if (errorCount) return 1;
  const resources = docs.map((d) => d.resource!);
  if (!resources.some((r) => r.kind === "EventSource" || r.kind === "Sensor")) {
    console.error("no EventSource or Sensor found in " + files.join(", "));
    return 1;
  }

  let nats: NatsServer | undefined;
  let natsUrl = cfg.natsUrl;
  if (!natsUrl) {
    const binary = findNatsServer(flags.natsBin ?? process.env["NATS_SERVER_BIN"], process.env["PATH"]);
    if (!binary) {
      console.error("nats-server not found: run `bash tools/nats/install.sh`, set NATS_SERVER_BIN, or pass --nats-url");
      return 1;
    }
    const storeDir = resolve(flags.dataDir ?? ".impulse/nats");
    mkdirSync(storeDir, { recursive: true });
    nats = await startNatsServer({ binary, storeDir });
    natsUrl = nats.url;
    log.info({ url: natsUrl, storeDir, pid: nats.pid }, "started local nats-server with JetStream");
  }
  const signal = shutdownSignal(log);
  try {
    const rt = await startRuntime(resources, cfg, natsUrl, log, signal);
    const hints = curlHints(resources);
    const banner = [
      "",
      "Impulse is running. Send an event:",
      ...hints.map((h) => "  " + h),
      `Metrics: http://localhost:${rt.metricsPort}/metrics   Health: http://localhost:${rt.metricsPort}/health`,
      "Press Ctrl-C to stop.",
      "",
    ];
    console.error(banner.join("\n"));
    await rt.done;
  } finally {
    await nats?.stop();
  }
  return 0;
}
