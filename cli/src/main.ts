#!/usr/bin/env node
// The impulse command line.
import { Command } from "commander";
import { runController } from "./commands/controller.js";
import { dev } from "./commands/dev.js";
import { genCrds } from "./commands/gen-crds.js";
import { lint } from "./commands/lint.js";
import { sensorTest } from "./commands/sensor-test.js";
import { runSingle } from "./commands/single.js";

const program = new Command("impulse").description("Impulse: Argo Events-compatible event platform on NATS JetStream").showHelpAfterError();

const common = (c: Command) =>
  c
    .option("--nats-url <url>", "NATS server URL (env IMPULSE_BUS_URL)")
    .option("--namespace <ns>", "namespace that scopes stream and consumer names (env IMPULSE_NAMESPACE, default local)")
    .option("--metrics-port <port>", "port of /metrics and /health (env IMPULSE_METRICS_PORT)")
    .option("--secrets-dir <dir>", "directory of mounted secrets <name>/<key> (env IMPULSE_SECRETS_DIR)")
    .option("--kubeconfig <path>", "kubeconfig for Kubernetes sources and triggers (env KUBECONFIG; in a pod the service account)")
    .option("--leader-elect", "with several replicas, run singleton sources (resource, ...) and Sensors only in the one holding a Lease (env IMPULSE_LEADER_ELECT)")
    .option("--lease-namespace <ns>", "namespace of that Lease (env POD_NAMESPACE, else the kubeconfig's namespace)")
    .option("--log-level <level>", "trace|debug|info|warn|error (env IMPULSE_LOG_LEVEL)")
    .option("--concurrency <n>", "firings in progress at once per trigger (env IMPULSE_CONCURRENCY, default 32)")
    .option("--dedup-window <duration>", "suppress a repeated firing for the same events within this window; 0 turns it off (env IMPULSE_DEDUP_WINDOW, default 5m)");

const exit = (p: Promise<number> | number) =>
  Promise.resolve(p).then(
    (code) => process.exit(code),
    (e: Error) => {
      console.error(`impulse: ${e.message}`);
      process.exit(1);
    },
  );

common(
  program
    .command("dev")
    .description("run every EventSource and Sensor in the files against a local nats-server")
    .requiredOption("-f, --file <path...>", "YAML files or directories")
    .option("--data-dir <dir>", "JetStream store of the local nats-server (default .impulse/nats)")
    .option("--nats-bin <path>", "nats-server binary (env NATS_SERVER_BIN)"),
).action((opts) => exit(dev(opts.file, opts)));

common(program.command("eventsource").description("run one EventSource, as its pod does").option("-f, --file <path>", "spec file (or env IMPULSE_SPEC)")).action(
  (opts) => exit(runSingle("EventSource", opts)),
);

const sensorCommand = common(program.command("sensor").description("run one Sensor, as its pod does").option("-f, --file <path>", "spec file (or env IMPULSE_SPEC)")).action(
  (opts) => exit(runSingle("Sensor", opts)),
);
sensorCommand
  .command("test")
  .description("dry-run CloudEvents through a Sensor and explain each decision; nothing is fired")
  .argument("<sensor>", "Sensor YAML file")
  .requiredOption("-e, --event <file...>", "CloudEvent JSON file(s), applied in order")
  .option("--json", "print the result as JSON")
  .action((file: string, opts: { event: string[]; json?: boolean }) => exit(sensorTest(file, opts.event, opts)));

program
  .command("controller")
  .description("reconcile EventBus, EventSource and Sensor resources into StatefulSets, Deployments and Services")
  .option("--kubeconfig <path>", "kubeconfig (env KUBECONFIG; in a pod the service account)")
  .option("--namespace <ns>", "watch only this namespace (env IMPULSE_WATCH_NAMESPACE); default: every namespace")
  .option("--metrics-port <port>", "port of /healthz, /readyz and /metrics (env IMPULSE_METRICS_PORT, default 7777)")
  .option("--leader-elect", "run several replicas; only the holder of the Lease impulse-controller reconciles (env IMPULSE_LEADER_ELECT)")
  .option("--lease-namespace <ns>", "namespace of that Lease (env POD_NAMESPACE, else --namespace, else the kubeconfig's)")
  .option("--image <image>", "impulse image of EventSource and Sensor pods (env IMPULSE_IMAGE)")
  .option("--image-pull-policy <policy>", "Always|IfNotPresent|Never for those pods (env IMPULSE_IMAGE_PULL_POLICY)")
  .option("--nats-image <image>", "NATS image of managed EventBuses; spec.jetstream.version replaces its tag (env IMPULSE_NATS_IMAGE)")
  .option("--allow-privileged-pods", "let pod templates use privileged containers, host namespaces and hostPath volumes (env IMPULSE_ALLOW_PRIVILEGED_PODS)")
  .option("--workers <n>", "resources reconciled at once (env IMPULSE_CONTROLLER_WORKERS, default 2)")
  .option("--log-level <level>", "trace|debug|info|warn|error (env IMPULSE_LOG_LEVEL)")
  .action((opts) => exit(runController(opts)));

program
  .command("lint")
  .description("validate EventSource, Sensor and EventBus files; exit 1 on errors")
  .argument("<paths...>", "YAML files or directories")
  .action((paths: string[]) => exit(lint(paths)));

program
  .command("gen-crds")
  .description("write the EventBus, EventSource and Sensor CRDs and their reference page from the schemas")
  .option("--out <dir>", "directory of the CRD files", "manifests/crds")
  .option("--docs <file>", "generated field reference", "docs/crds.md")
  .option("--check", "write nothing; exit 1 when the files differ from a fresh generation")
  .action((opts: { out: string; docs: string; check?: boolean }) => exit(genCrds(opts)));

await program.parseAsync();
