// `impulse api`: the read/act HTTP API over one EventBus's journal (docs/api.md), as its Deployment runs it in a cluster.
import { JournalClient } from "@impulse/bus";
import { kubeAuthorizer } from "../api/auth.js";
import { isLoopback, startApiServer } from "../api/serve.js";
import { parseBusAuth } from "../bus-auth.js";
import { kubeConfigLoader } from "../kube.js";
import { createLogger } from "../logger.js";
import { shutdownSignal } from "../runtime.js";
import { busUrl, type BusFlags } from "./events/connect.js";

export interface ApiFlags extends BusFlags {
  port?: string;
  listenAddress?: string;
  auth?: string;
  kubeconfig?: string;
  logLevel?: string;
}

export async function runApi(flags: ApiFlags, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const log = createLogger(flags.logLevel ?? env["IMPULSE_LOG_LEVEL"] ?? "info", "api", "json");
  const host = flags.listenAddress ?? env["IMPULSE_LISTEN_ADDRESS"] ?? "127.0.0.1";
  const port = Number(flags.port ?? env["IMPULSE_API_PORT"] ?? 8090);
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new Error(`--port ${flags.port}: expected a port number`);
  const auth = flags.auth ?? env["IMPULSE_API_AUTH"] ?? "kube";
  if (auth !== "kube" && auth !== "none") throw new Error(`--auth ${auth}: expected kube or none`);
  // Without authentication anyone who reaches the port could replay and redrive: loopback only.
  if (auth === "none" && !isLoopback(host)) throw new Error(`--auth none listens on 127.0.0.1 only, not ${host}: use --auth kube (the default) on other addresses`);
  const namespace = flags.namespace ?? env["IMPULSE_NAMESPACE"] ?? "local";
  const authorize = auth === "kube" ? kubeAuthorizer(kubeConfigLoader(flags.kubeconfig ?? (env["KUBECONFIG"]?.split(":")[0] || undefined))(), namespace) : undefined;
  const signal = shutdownSignal(log);
  const journal = await JournalClient.connect({ url: busUrl(flags, env), namespace, busName: flags.bus ?? "default", reconnectForever: true, ...parseBusAuth(env["IMPULSE_BUS_AUTH"]) });
  const server = await startApiServer({ journal, host, port, ...(authorize ? { authorize } : {}) });
  log.info({ url: server.url, namespace, bus: flags.bus ?? "default", auth }, "impulse API listening");
  // The line scripts and tests read the address from.
  console.error(`API: ${server.url}/api/v1/events`);
  await new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
  await server.close();
  await journal.close();
  return 0;
}
