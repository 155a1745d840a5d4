// `impulse eventsource` / `impulse sensor`: one runtime, as a pod runs it (spec from a file or IMPULSE_SPEC).
import type { Resource } from "@impulse/api";
import { parseResource } from "@impulse/api";
import { parse } from "yaml";
import { DEFAULT_METRICS_PORT, readConfig, type CommonFlags } from "../config.js";
import { formatFindings, loadResources } from "../load.js";
import { createLogger } from "../logger.js";
import { shutdownSignal, startRuntime } from "../runtime.js";
import { requireTemplates } from "../templates.js";

export async function runSingle(kind: "EventSource" | "Sensor", flags: CommonFlags & { file?: string }): Promise<number> {
  // As a pod runs it: every interface (probes and scrapers come from outside), JSON lines for the log collector.
  const cfg = readConfig(flags, process.env, { metricsPort: DEFAULT_METRICS_PORT[kind], listenAddress: "0.0.0.0", logFormat: "json", serviceName: `impulse-${kind.toLowerCase()}` });
  const log = createLogger(cfg.logLevel, kind.toLowerCase(), cfg.logFormat);
  let resources: Resource[];
  if (flags.file) {
    const docs = loadResources([flags.file]);
    const { text, errorCount } = formatFindings(docs);
    if (text) log[errorCount ? "error" : "warn"]({ findings: text.split("\n") }, "spec findings");
    if (errorCount) return 1;
    resources = docs.map((d) => d.resource!).filter((r) => r.kind === kind);
  } else if (process.env["IMPULSE_SPEC"]) {
    const r = parseResource(parse(process.env["IMPULSE_SPEC"]));
    if (!r.ok) {
      log.error({ errors: r.errors }, "IMPULSE_SPEC is invalid");
      return 1;
    }
    resources = [r.resource];
  } else {
    log.error("no spec: pass --file or set IMPULSE_SPEC");
    return 1;
  }
  if (resources.length !== 1 || resources[0]!.kind !== kind) {
    log.error({ found: resources.length }, `expected exactly one ${kind}`);
    return 1;
  }
  if (!cfg.natsUrl) {
    log.error("no event bus: pass --nats-url or set IMPULSE_BUS_URL");
    return 1;
  }
  const signal = shutdownSignal(log);
  try {
    const rt = await startRuntime(resources, cfg, cfg.natsUrl, log, signal, requireTemplates([cfg.templates]));
    log.info({ metricsPort: rt.metricsPort }, `${kind} running`);
    await rt.done;
  } catch (e) {
    if (signal.aborted) return 0; // stopped during start-up: what was started has been stopped
    throw e;
  }
  return 0;
}
