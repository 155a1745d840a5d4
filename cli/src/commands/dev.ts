// `impulse dev`: every EventSource and Sensor in the files, against a local nats-server it starts (or --nats-url).
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { resolve } from "node:path";
import type { Resource } from "@impulse/api";
import { findNatsServer, JournalClient, lockDataDir, startNatsServer, type DataDirLock, type NatsServer } from "@impulse/bus";
import { startApiServer, type ApiServer } from "../api/serve.js";
import { parseBusAuth } from "../bus-auth.js";
import { sourceHints } from "../banner.js";
import { readConfig, type CommonFlags } from "../config.js";
import { crossCheck } from "../crosscheck.js";
import { formatFindings, loadResources } from "../load.js";
import { createLogger } from "../logger.js";
import { checkKubeConfig, shutdownSignal, startRuntime } from "../runtime.js";
import { requireTemplates } from "../templates.js";
import { overrideWebhookPort } from "../webhook-port.js";
import { devStatePath } from "./events/connect.js";

export interface DevFlags extends CommonFlags {
  dataDir?: string;
  natsBin?: string;
  webhookPort?: string;
  apiPort?: string;
  /** false with --no-api. */
  api?: boolean;
}

export async function dev(files: string[], flags: DevFlags): Promise<number> {
  // A laptop: listen on loopback only, and readable lines when a person watches the terminal.
  const cfg = readConfig(flags, process.env, { metricsPort: 0, listenAddress: "127.0.0.1", logFormat: process.stdout.isTTY ? "pretty" : "json" });
  const log = createLogger(cfg.logLevel, "dev", cfg.logFormat);
  // Before anything is started: from here on a stop signal reaches code that stops what was started.
  const signal = shutdownSignal(log);
  const docs = loadResources(files);
  const { text, errorCount } = formatFindings(docs);
  if (text) console.error(text);
  if (errorCount) return 1;
  let resources: Resource[] = docs.map((d) => d.resource!);
  // A dependency naming no EventSource/event in these files would wait forever: say so before starting.
  for (const { sensor, finding } of crossCheck(resources)) console.error(`Sensor/${sensor}: warning: ${finding.path}: ${finding.message}`);
  if (!resources.some((r) => r.kind === "EventSource" || r.kind === "Sensor")) {
    console.error("no EventSource or Sensor found in " + files.join(", "));
    return 1;
  }
  if (flags.webhookPort) resources = overrideWebhookPort(resources, flags.webhookPort);
  checkKubeConfig(resources, cfg); // before a nats-server is started for nothing

  let nats: NatsServer | undefined;
  let lock: DataDirLock | undefined;
  let statePath: string | undefined;
  let journal: JournalClient | undefined;
  let api: ApiServer | undefined;
  const apiPort = flags.apiPort === undefined ? 0 : Number(flags.apiPort);
  if (!(Number.isInteger(apiPort) && apiPort >= 0 && apiPort <= 65535)) {
    console.error(`--api-port ${flags.apiPort}: expected a port number`);
    return 1;
  }
  try {
    let natsUrl = cfg.natsUrl;
    if (!natsUrl) {
      const binary = findNatsServer(flags.natsBin ?? process.env["NATS_SERVER_BIN"], process.env["PATH"]);
      if (!binary) {
        console.error("nats-server not found: run `bash tools/nats/install.sh`, set NATS_SERVER_BIN, or pass --nats-url");
        return 1;
      }
      const storeDir = resolve(flags.dataDir ?? ".impulse/nats");
      mkdirSync(storeDir, { recursive: true });
      lock = lockDataDir(storeDir);
      nats = await startNatsServer({ binary, storeDir, signal });
      natsUrl = nats.url;
      log.info({ url: natsUrl, storeDir, natsPid: nats.pid }, "started local nats-server with JetStream");
      // `impulse events` run in this directory finds this bus without flags.
      statePath = devStatePath(storeDir);
      writeFileSync(statePath, JSON.stringify({ url: natsUrl, pid: process.pid }) + "\n");
    }
    // The ConfigMap of message templates among the files, then --templates (which wins a name clash).
    const rt = await startRuntime(resources, cfg, natsUrl, log, signal, requireTemplates([...files, cfg.templates]));
    // A stop signal while the runtimes started: start nothing more and print no banner ("nothing after shutting down").
    if (!signal.aborted && flags.api !== false) {
      // On loopback, whatever --listen-address says: this API has no authentication.
      journal = await JournalClient.connect({ url: natsUrl, namespace: cfg.namespace, busName: "default", reconnectForever: true, ...parseBusAuth(cfg.busAuth) });
      api = await startApiServer({ journal, host: "127.0.0.1", port: apiPort });
    }
    const banner = [
      "",
      "Impulse is running. To produce an event:",
      ...sourceHints(resources, cfg.listenAddress).map((h) => "  " + h),
      `Metrics: http://localhost:${rt.metricsPort}/metrics   Health: http://localhost:${rt.metricsPort}/health${api ? `   API: http://127.0.0.1:${api.port}/api/v1/events` : ""}`,
      "What happened to each event: impulse events ls / impulse events get <id> / impulse events tail",
      "Press Ctrl-C to stop.",
      "",
    ];
    if (!signal.aborted) console.error(banner.join("\n"));
    await rt.done;
  } catch (e) {
    // Interrupted during start-up: everything started is stopped (below), which is what was asked.
    if (signal.aborted) return 0;
    throw e;
  } finally {
    await api?.close();
    await journal?.close();
    if (statePath) rmSync(statePath, { force: true });
    await nats?.stop();
    lock?.release();
  }
  return 0;
}
