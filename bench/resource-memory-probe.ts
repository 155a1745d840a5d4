// One memory measurement for bench/resource-memory.ts, in its own process so the heaps never mix:
// how much a watcher of N ConfigMaps keeps once it has seen them all.
import { parseResource, type EventSource } from "@impulse/api";
import { JetStreamBus } from "@impulse/bus";
import { createEventSourceMetrics, runEventSource } from "@impulse/eventsource";
import { CoreV1Api, KubeConfig, makeInformer } from "@kubernetes/client-node";
import { pino } from "pino";
import { Registry } from "prom-client";

const [mode, kubeconfigPath, namespace, natsUrl, countText] = process.argv.slice(2) as [string, string, string, string, string];
const count = Number(countText);
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error("run with --expose-gc");

function settledHeap(): number {
  for (let i = 0; i < 3; i++) gc!();
  return process.memoryUsage().heapUsed;
}

async function until(what: string, probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 180_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const kc = new KubeConfig();
kc.loadFromFile(kubeconfigPath);
const before = settledHeap();
let stop: () => Promise<void>;

if (mode === "informer") {
  // What Argo's resource source does (a shared informer): every object cached whole.
  const core = kc.makeApiClient(CoreV1Api);
  const informer = makeInformer(kc, `/api/v1/namespaces/${namespace}/configmaps`, () => core.listNamespacedConfigMap({ namespace }));
  let seen = 0;
  informer.on("add", () => void seen++);
  await informer.start();
  await until("the informer's list", () => seen >= count);
  stop = () => informer.stop();
} else {
  const eventTypes = mode === "impulse-update" ? ["ADD", "UPDATE", "DELETE"] : ["ADD", "DELETE"];
  const parsed = parseResource({
    apiVersion: "impulse.dev/v1alpha1",
    kind: "EventSource",
    metadata: { name: `mem-${mode}` },
    spec: { resource: { cms: { namespace, version: "v1", resource: "configmaps", eventTypes } } },
  });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.errors));
  const logger = pino({ level: "silent" });
  const bus = await JetStreamBus.connect({ url: natsUrl, namespace: `mem-${mode}`, busName: "default", logger });
  const registry = new Registry();
  const metrics = createEventSourceMetrics(registry);
  const ac = new AbortController();
  const es = runEventSource({ resource: parsed.resource as EventSource, bus, logger, metrics, secrets: async () => "", kubeConfig: () => kc, signal: ac.signal });
  await es.ready;
  const published = async () => ((await registry.getSingleMetric("impulse_eventsource_events_published_total")?.get())?.values ?? []).reduce((n, v) => n + v.value, 0);
  let done = 0;
  await until("every object published", () => {
    void published().then((n) => (done = n));
    return done >= count;
  });
  stop = async () => {
    ac.abort();
    await es.done;
    await bus.close();
  };
}

const retained = settledHeap() - before;
process.stdout.write(JSON.stringify({ mode, retainedBytes: retained }) + "\n");
await stop();
process.exit(0);
