// The kube-eventer catalog (manifests/examples/kube-eventer) end to end, as `impulse` processes with the example's files:
// Warning core Events on a real kube-apiserver → Slack (the kit's stand-in), a webhook (a sink) and Kafka (a real broker),
// filtered by namespace, kind and reason, one message per logical Event (repeats and re-created Events deduplicated).
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { randomUUID } from "node:crypto";
import { CoreV1Api, type CoreV1Event } from "@kubernetes/client-node";
import type { NatsServer } from "@impulse/bus";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { adaptExample } from "../../kit/examples.js";
import { createTopic, readTopic } from "../../kit/kafka-io.js";
import { startKafka, type KafkaBroker } from "../../kit/kafka.js";
import { startKube, type Kube } from "../../kit/kube.js";
import { startNats } from "../../kit/nats.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { startSlackApi, type SlackApi } from "../../kit/slack-api.js";
import { scrapeCounter } from "../../kit/scrape.js";
import { waitFor } from "../../kit/wait.js";

const example = join(repoRoot, "manifests/examples/kube-eventer");
const TOKEN = "xoxb-impulse-kube-eventer";

let kube: Kube;
let nats: NatsServer;
let kafka: KafkaBroker;
let slack: SlackApi;
let sink: Sink;
let core: CoreV1Api;
const procs: CliProcess[] = [];

before(async () => {
  [kube, nats, kafka, sink] = await Promise.all([startKube(), startNats(), startKafka(), startSink()]);
  slack = await startSlackApi({ tokens: [TOKEN], channels: [{ id: "C0WARN", name: "cluster-warnings" }] });
  core = kube.kubeConfig.makeApiClient(CoreV1Api);
});
after(async () => {
  for (const p of procs) await p.stop();
  await slack?.close();
  await sink?.close();
  await Promise.all([kafka?.stop(), nats?.stop(), kube?.stop()]);
});


const warning = (ns: string, o: { name: string; kind?: string; object: string; uid: string; reason: string; message: string; type?: string }): CoreV1Event => ({
  metadata: { name: o.name, namespace: ns },
  involvedObject: { kind: o.kind ?? "Pod", name: o.object, namespace: ns, uid: o.uid, apiVersion: "v1" },
  reason: o.reason,
  message: o.message,
  type: o.type ?? "Warning",
  count: 1,
  firstTimestamp: new Date(),
  lastTimestamp: new Date(),
  source: { component: "kubelet" },
});

describe("kube-eventer catalog", () => {
  it("sends each logical Warning Event once to Slack, the webhook and Kafka; filtered ones and repeats are not sent", async () => {
    const dir = mkdtempSync(join(tmpdir(), "impulse-kube-eventer-"));
    const topic = "kube-warnings";
    await createTopic(kafka.brokers, topic, 1);
    adaptExample(join(example, "eventsource.yaml"), join(dir, "eventsource.yaml"), []);
    adaptExample(join(example, "sensor.yaml"), join(dir, "sensor.yaml"), [
      ["channel: cluster-warnings", `channel: cluster-warnings\n          apiUrl: ${slack.url}`],
      ["http://alerts.example.com/kube-events", `${sink.url}/kube-events`],
      ["kafka.example.com:9092", kafka.brokers.join(",")],
    ]);
    copyFileSync(join(example, "templates.yaml"), join(dir, "templates.yaml"));
    const common = ["--nats-url", nats.url, "--namespace", "kube-eventer", "--log-level", "warn"];
    const sensor = await startRuntime("sensor", join(dir, "sensor.yaml"), [...common, "--templates", join(dir, "templates.yaml")], procs, { IMPULSE_SECRET_SLACK_SECRET_TOKEN: TOKEN });
    await startRuntime("eventsource", join(dir, "eventsource.yaml"), [...common, "--kubeconfig", kube.kubeconfigPath], procs);

    const prod = await kube.newNamespace("prod");
    const dev = await kube.newNamespace("dev");
    const [pod1, pod2] = [randomUUID(), randomUUID()];
    // Filtered out by the EventSource: a Normal Event, another namespace, a Node, a reason nobody asked for.
    await core.createNamespacedEvent({ namespace: prod, body: warning(prod, { name: "n1", object: "web-1", uid: pod1, reason: "Pulled", message: "pulled", type: "Normal" }) });
    await core.createNamespacedEvent({ namespace: dev, body: warning(dev, { name: "d1", object: "web-1", uid: randomUUID(), reason: "BackOff", message: "in dev" }) });
    await core.createNamespacedEvent({ namespace: prod, body: warning(prod, { name: "k1", kind: "Node", object: "node-1", uid: randomUUID(), reason: "BackOff", message: "node" }) });
    await core.createNamespacedEvent({ namespace: prod, body: warning(prod, { name: "r1", object: "web-1", uid: pod1, reason: "Scheduled", message: "not a warning reason" }) });
    // The one Event that counts for web-1, repeated (count goes up), then re-created as a new Event object.
    await core.createNamespacedEvent({ namespace: prod, body: warning(prod, { name: "w1", object: "web-1", uid: pod1, reason: "BackOff", message: "Back-off restarting failed container" }) });
    const w1 = await core.readNamespacedEvent({ name: "w1", namespace: prod });
    await core.replaceNamespacedEvent({ name: "w1", namespace: prod, body: { ...w1, count: 7, lastTimestamp: new Date() } });
    await core.createNamespacedEvent({ namespace: prod, body: warning(prod, { name: "w1-again", object: "web-1", uid: pod1, reason: "BackOff", message: "Back-off restarting failed container" }) });
    // Another object's Warning: its own message.
    await core.createNamespacedEvent({ namespace: prod, body: warning(prod, { name: "w2", object: "web-2", uid: pod2, reason: "Unhealthy", message: "Readiness probe failed" }) });

    const posted = await waitFor("two Slack messages", () => (slack.messages.length >= 2 ? slack.messages : undefined), 60_000);
    const hooks = await waitFor("two webhooks", () => (sink.received.length >= 2 ? sink.received : undefined), 60_000);
    const records = await readTopic(kafka.brokers, topic, 2, 60_000);
    for (const trigger of ["to-slack", "to-webhook", "to-kafka"])
      await waitFor(`the re-created Event suppressed by ${trigger}`, async () => (await scrapeCounter(sensor.metricsPort, "impulse_sensor_duplicates_suppressed_total", { trigger })) >= 1, 60_000);

    assert.deepEqual(posted.map((m) => m.text).sort(), [
      `:warning: BackOff on Pod ${prod}/web-1: Back-off restarting failed container`,
      `:warning: Unhealthy on Pod ${prod}/web-2: Readiness probe failed`,
    ]);
    const fields = (posted[0]!.attachments as { fields: { title: string; value: string }[] }[])[0]!.fields;
    assert.deepEqual(fields.map((f) => f.title), ["Reason", "Object", "Namespace", "Source"]);
    const byName = (list: unknown[]) => (list as { name: string }[]).sort((a, b) => a.name.localeCompare(b.name));
    const hookBodies = byName(hooks.map((h) => h.json));
    assert.equal(hooks[0]!.path, "/kube-events");
    assert.deepEqual(
      hookBodies.map((b: any) => [b.type, b.reason, b.namespace, b.kind, b.name, b.uid]),
      [
        ["Warning", "BackOff", prod, "Pod", "web-1", pod1],
        ["Warning", "Unhealthy", prod, "Pod", "web-2", pod2],
      ],
    );
    const recordBodies = byName(records.map((r) => JSON.parse(r.value!)));
    assert.deepEqual(recordBodies, hookBodies, "Kafka gets the same body as the webhook");
    assert.deepEqual(records.map((r) => r.key).sort(), [pod1, pod2].sort(), "records are keyed by the object's uid");
    assert.equal(slack.messages.length, 2, "no third message: repeats and filtered Events sent nothing");
    assert.equal(sink.received.length, 2);
  });
});
