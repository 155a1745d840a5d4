#!/usr/bin/env node
// The impulse command line.
// Each command's module is imported when that command runs: the Kubernetes client, the AWS SDK and the runtimes
// take seconds to load, and `--help` or `lint` need none of them.
import { readFileSync } from "node:fs";
import { Command } from "commander";

const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8")) as { version: string };

const program = new Command("impulse")
  .description("Impulse: Argo Events-compatible event platform on NATS JetStream")
  .version(version, "-v, --version", "print the version")
  .showHelpAfterError();

/** Adds an example block to a command's --help. */
const examples = (c: Command, ...lines: string[]) => c.addHelpText("after", ["", "Examples:", ...lines.map((l) => "  $ " + l)].join("\n"));

/** Files and directories given as arguments and with -f/--file, in that order. */
const pathsOf = (args: string[] | string | undefined, file: string[] | string | undefined): string[] =>
  [args, file].flatMap((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]));

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
    .option("--log-format <format>", "pretty|json (env IMPULSE_LOG_FORMAT; default pretty for `dev` in a terminal, else json)")
    .option("--listen-address <addr>", "address of webhook and metrics servers (env IMPULSE_LISTEN_ADDRESS; default 127.0.0.1 for `dev`, else 0.0.0.0)")
    .option("--concurrency <n>", "firings in progress at once per trigger (env IMPULSE_CONCURRENCY, default 32)")
    .option("--dedup-window <duration>", "suppress a repeated firing for the same events within this window; 0 turns it off (env IMPULSE_DEDUP_WINDOW, default 5m)")
    .option("--egress-policy <json>", 'hosts http triggers may call, for every Sensor: {"allow":[...],"deny":[...]} (env IMPULSE_EGRESS_POLICY; see docs/security.md)')
    .option("--templates <path>", "message templates for messageTemplate: a ConfigMap manifest or a directory (env IMPULSE_TEMPLATES; `dev` also reads the ConfigMap impulse-notification-templates among its files)");

const exit = (p: Promise<number> | number) =>
  Promise.resolve(p).then(
    (code) => process.exit(code),
    (e: Error) => {
      console.error(`impulse: ${e.message}`);
      process.exit(1);
    },
  );

const devCommand = common(
  program
    .command("dev")
    .description("run every EventSource and Sensor in the files against a local nats-server")
    .argument("[paths...]", "YAML files or directories")
    .option("-f, --file <path...>", "YAML files or directories (the same as the arguments)")
    .option("--data-dir <dir>", "JetStream store of the local nats-server (default .impulse/nats)")
    .option("--nats-bin <path>", "nats-server binary (env NATS_SERVER_BIN)")
    .option("--webhook-port <port>", "serve every webhook event of the files on this port instead of its spec.webhook.<event>.port")
    .option("--api-port <port>", "port of the HTTP API on 127.0.0.1, no authentication (docs/api.md; default: a free port)")
    .option("--no-api", "do not serve the HTTP API"),
).action(async (args: string[], opts) => {
  const paths = pathsOf(args, opts.file);
  if (!paths.length) devCommand.error("error: give at least one YAML file or directory, e.g. impulse dev manifests/examples/quickstart");
  const { dev } = await import("./commands/dev.js");
  return exit(dev(paths, opts));
});
examples(devCommand, "impulse dev manifests/examples/quickstart", "impulse dev -f eventsource.yaml -f sensor.yaml --log-level debug");

/** `impulse eventsource` / `impulse sensor`: one runtime, as its pod runs it, from a path argument or --file. */
const singleCommand = (name: string, kind: "EventSource" | "Sensor") =>
  common(
    program
      .command(name)
      .description(`run one ${kind}, as its pod does`)
      .argument("[path]", "spec file (the same as --file)")
      .option("-f, --file <path>", "spec file (or env IMPULSE_SPEC)"),
  ).action(async (arg: string | undefined, opts: { file?: string }) => {
    const { runSingle } = await import("./commands/single.js");
    return exit(runSingle(kind, { ...opts, ...(arg ? { file: arg } : {}) }));
  });

examples(singleCommand("eventsource", "EventSource"), "impulse eventsource manifests/examples/quickstart/eventsource.yaml --nats-url nats://127.0.0.1:4222");
const sensorCommand = singleCommand("sensor", "Sensor");
examples(sensorCommand, "impulse sensor manifests/examples/quickstart/sensor.yaml --nats-url nats://127.0.0.1:4222", "impulse sensor test sensor.yaml --event event.json");
examples(
  sensorCommand
    .command("test")
    .description("dry-run CloudEvents through a Sensor and explain each decision; nothing is fired")
    .argument("<sensor>", "Sensor YAML file")
    .requiredOption("-e, --event <file...>", "CloudEvent JSON file(s), applied in order")
    .option("--json", "print the result as JSON")
    .action(async (file: string, opts: { event: string[]; json?: boolean }) => {
      const { sensorTest } = await import("./commands/sensor-test.js");
      return exit(sensorTest(file, opts.event, opts));
    }),
  "impulse sensor test manifests/examples/quickstart/sensor.yaml --event docs/examples/order-small.json --json",
);

const controllerCommand = program
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
  .option("--egress-policy <json>", "process-wide egress policy handed to every Sensor pod (env IMPULSE_EGRESS_POLICY; see docs/security.md)")
  .option("--log-level <level>", "trace|debug|info|warn|error (env IMPULSE_LOG_LEVEL)")
  .action(async (opts) => {
    const { runController } = await import("./commands/controller.js");
    return exit(runController(opts));
  });
examples(controllerCommand, "impulse controller --kubeconfig ~/.kube/config --namespace impulse-system");

examples(
  program
    .command("lint")
    .description("validate EventSource, Sensor and EventBus files, all mistakes in one run; exit 1 on errors")
    .argument("<paths...>", "YAML files or directories (other kinds, such as Deployments, are skipped)")
    .option("--allow-privileged-pods", "accept pod templates the controller accepts only when started with --allow-privileged-pods")
    .option("--templates <path>", "message templates Sensors name in messageTemplate: a ConfigMap manifest or a directory (default: a ConfigMap impulse-notification-templates among the files)")
    .action(async (paths: string[], opts: { allowPrivilegedPods?: boolean; templates?: string }) => {
      const { lint } = await import("./commands/lint.js");
      return exit(lint(paths, opts));
    }),
  "impulse lint manifests/examples/",
);

/** `impulse events …`: the bus to read, and --json, on every subcommand. */
const busOptions = (c: Command) =>
  c
    .option("--nats-url <url>", "NATS server URL (env IMPULSE_BUS_URL; default: the bus of `impulse dev` running in this directory)")
    .option("--namespace <ns>", "namespace of the EventBus (env IMPULSE_NAMESPACE, default local)")
    .option("--bus <name>", "EventBus name", "default")
    .option("--data-dir <dir>", "data dir of the `impulse dev` to find (default .impulse/nats)")
    .option("--json", "print JSON (errors too, on stderr)");
const filterOptions = (c: Command) =>
  c
    .option("--source <eventsource>", "only this EventSource")
    .option("--event <name>", "only this event name")
    .option("--sensor <name>", "what this Sensor did")
    .option("--trigger <name>", "what this trigger did")
    .option("--outcome <outcome>", "succeeded, failed (any failure), given-up, dead-lettered, dlq-failed, duplicate; or matched, filtered, waiting");

const eventsCommand = program.command("events").description("see, send and follow events: the event journal on the bus (docs/events.md)");
examples(
  busOptions(
    filterOptions(
      eventsCommand
        .command("ls")
        .description("list recorded events (oldest first), or with --sensor/--trigger/--outcome what Sensors did with them")
        .option("--since <when>", "from this long ago (10m, 2h) or this RFC 3339 time (default: the journal's start)")
        .option("--until <when>", "up to this long ago or this time")
        .option("--limit <n>", "rows per page (default 100)")
        .option("--cursor <cursor>", "continue a previous page (printed as `more: --cursor N`, or `next` in JSON)"),
    ),
  ).action(async (opts) => {
    const { ls } = await import("./commands/events/list.js");
    return exit(ls(opts));
  }),
  "impulse events ls --since 10m",
  "impulse events ls --sensor notify --outcome failed --json",
);
examples(
  busOptions(eventsCommand.command("get").description("one event's journey: ingest, each Sensor's decisions, each firing's attempts and outcome, and its data").argument("<id>", "event id")).action(
    async (id: string, opts) => {
      const { get } = await import("./commands/events/get.js");
      return exit(get(id, opts));
    },
  ),
  "impulse events get 5f2c0e0d9a8b4c7e8f1a2b3c4d5e6f70",
);
examples(
  busOptions(filterOptions(eventsCommand.command("tail").description("follow the journal live (Ctrl-C stops)"))).action(async (opts) => {
    const { tail } = await import("./commands/events/list.js");
    return exit(tail(opts));
  }),
  "impulse events tail --sensor notify",
);
examples(
  busOptions(
    eventsCommand
      .command("send")
      .description("put a CloudEvent on the bus as an EventSource's event (or POST it to a webhook) and print its id")
      .option("--source <eventsource>", "EventSource name (the CloudEvent source)")
      .option("--event <name>", "event name (the CloudEvent subject)")
      .option("--type <type>", "CloudEvent type, the source type (default webhook)")
      .option("--id <id>", "event id (default: a new one)")
      .option("--data <json>", "the event's data as JSON")
      .option("-f, --file <path>", "a CloudEvent JSON file, or any JSON as the data; - reads stdin")
      .option("--webhook <url>", "POST the data to this running webhook instead of writing to the bus")
      .option("--wait", "then print what each Sensor did with it (exit 5 when a firing failed)")
      .option("--timeout <seconds>", "how long --wait waits (default 30)"),
  ).action(async (opts) => {
    const { send } = await import("./commands/events/send.js");
    return exit(send(opts));
  }),
  `impulse events send --source orders --event created --data '{"header":{},"body":{"amount":250}}' --wait`,
  "impulse events send --webhook http://localhost:12000/orders --data '{\"amount\":250}' --wait",
);

examples(
  busOptions(
    eventsCommand
      .command("replay")
      .description("deliver stored events again to one Sensor (or one trigger): by ids, time range or sequence range")
      .requiredOption("--sensor <name>", "the Sensor that gets them (it must be running)")
      .option("--trigger <name>", "only this trigger")
      .option("--ids <ids>", "event ids, comma-separated")
      .option("--since <when>", "stored events from this long ago (10m, 2h) or this RFC 3339 time")
      .option("--until <when>", "up to this long ago or this time")
      .option("--from-seq <n>", "stored events from this event stream sequence")
      .option("--to-seq <n>", "up to this sequence")
      .option("--source <eventsource>", "only events of this EventSource")
      .option("--event <name>", "only events of this name")
      .option("--dry-run", "show what would fire (dependency verdicts, resolved payload); fire nothing")
      .option("--respect-dedup", "keep the dedup window and the original Idempotency-Key (default: fire again)"),
  ).action(async (opts) => {
    const { replay } = await import("./commands/events/replay.js");
    return exit(replay(opts));
  }),
  "impulse events replay --sensor notify --since 1h --dry-run",
  "impulse events replay --sensor notify --trigger post --ids 5f2c0e0d9a8b4c7e8f1a2b3c4d5e6f70",
);
examples(
  busOptions(
    eventsCommand
      .command("redrive")
      .description("fire failed firings again (given up, dead-lettered or DLQ failed) after the target was fixed")
      .argument("[id]", "the event whose failed firings to redrive")
      .option("--since <when>", "every failed firing from this long ago or this time")
      .option("--until <when>", "up to this long ago or this time")
      .option("--sensor <name>", "only this Sensor's firings")
      .option("--trigger <name>", "only this trigger's firings")
      .option("--dry-run", "list what would be fired again; fire nothing"),
  ).action(async (id: string | undefined, opts) => {
    const { redrive } = await import("./commands/events/replay.js");
    return exit(redrive(id, opts));
  }),
  "impulse events redrive 5f2c0e0d9a8b4c7e8f1a2b3c4d5e6f70",
  "impulse events redrive --since 2h --sensor notify",
);

examples(
  busOptions(
    program
      .command("api")
      .description("serve the HTTP API over one EventBus's journal: list, get, tail (SSE), send, replay, redrive (docs/api.md)")
      .option("--port <port>", "port (env IMPULSE_API_PORT, default 8090; 0 picks a free one)")
      .option("--listen-address <addr>", "address (env IMPULSE_LISTEN_ADDRESS, default 127.0.0.1)")
      .option("--auth <mode>", "kube: Kubernetes bearer tokens, checked with TokenReview and SubjectAccessReview; none: no authentication, 127.0.0.1 only (env IMPULSE_API_AUTH, default kube)")
      .option("--kubeconfig <path>", "kubeconfig for those reviews (env KUBECONFIG; in a pod the service account)")
      .option("--log-level <level>", "trace|debug|info|warn|error (env IMPULSE_LOG_LEVEL)"),
  ).action(async (opts) => {
    const { runApi } = await import("./commands/api.js");
    return exit(runApi(opts));
  }),
  "impulse api --auth none --port 8090",
  "impulse api --nats-url nats://eventbus-default-stan-svc:4222 --namespace shop --listen-address 0.0.0.0",
);

const genCrdsCommand = program
  .command("gen-crds")
  .description("write the EventBus, EventSource and Sensor CRDs and their reference page from the schemas")
  .option("--out <dir>", "directory of the CRD files", "manifests/crds")
  .option("--docs <file>", "generated field reference", "docs/crds.md")
  .option("--check", "write nothing; exit 1 when the files differ from a fresh generation")
  .action(async (opts: { out: string; docs: string; check?: boolean }) => {
    const { genCrds } = await import("./commands/gen-crds.js");
    return exit(genCrds(opts));
  });
examples(genCrdsCommand, "impulse gen-crds --check");

await program.parseAsync();
