// The notification options end to end on real servers: Deployments on a kube-apiserver watched by the resource source,
// a message template from the example's ConfigMap, transitions, subscriptions by annotation, and durable oncePer;
// Slack through the kit's Web API stand-in, email through Mailpit, the webhook through a sink.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { AppsV1Api, type V1Deployment } from "@kubernetes/client-node";
import { parseResource, type Sensor } from "@impulse/api";
import type { NatsServer } from "@impulse/bus";
import { parseCatalog, type MessageCatalog } from "@impulse/sensor";
import { parse, parseAllDocuments } from "yaml";
import { repoRoot } from "../../kit/cli.js";
import { startKube, type Kube } from "../../kit/kube.js";
import { startMailpit, type Mailpit } from "../../kit/mailpit.js";
import { startNats } from "../../kit/nats.js";
import { metricValue, startEventSource, startSensor, type Started } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { startSlackApi, type SlackApi } from "../../kit/slack-api.js";
import { waitFor } from "../../kit/wait.js";

const example = join(repoRoot, "manifests/examples/notifications");
const TOKEN = "xoxb-impulse-notify-test";
const secrets = async (ref: { name: string; key: string }) => {
  if (ref.name === "slack-secret" && ref.key === "token") return TOKEN;
  throw new Error(`no secret ${ref.name}/${ref.key}`);
};

let kube: Kube;
let nats: NatsServer;
let slack: SlackApi;
let mailpit: Mailpit;
let sink: Sink;
let apps: AppsV1Api;
let templates: MessageCatalog;
const started: Started[] = [];

before(async () => {
  [kube, nats, mailpit, sink] = await Promise.all([startKube(), startNats(), startMailpit({ tls: "none" }), startSink()]);
  slack = await startSlackApi({ tokens: [TOKEN], channels: [{ id: "C0DEPLOY", name: "deployments" }, { id: "C0ONCALL", name: "oncall" }] });
  apps = kube.kubeConfig.makeApiClient(AppsV1Api);
  const cm = parse(readFileSync(join(example, "templates.yaml"), "utf8")) as { data: Record<string, string> };
  const r = parseCatalog(cm.data, "the example's ConfigMap");
  assert.deepEqual(r.errors, []);
  templates = r.catalog;
});
after(async () => {
  for (const s of started.reverse()) await s.stop().catch(() => undefined);
  await slack?.close();
  await sink?.close();
  await Promise.all([mailpit?.stop(), nats?.stop(), kube?.stop()]);
});

/** The example's YAML with this test's namespace and local servers. */
function exampleDoc(file: string, ns: string): Record<string, any> {
  const doc = parseAllDocuments(readFileSync(join(example, file), "utf8"))[0]!.toJS() as Record<string, any>;
  return JSON.parse(JSON.stringify(doc).replaceAll('"namespace":"apps"', `"namespace":"${ns}"`));
}

function exampleSensor(ns: string): Sensor {
  const doc = exampleDoc("sensor.yaml", ns);
  const [slackT, emailT, httpT] = doc["spec"].triggers;
  slackT.template.slack.apiUrl = slack.url;
  Object.assign(emailT.template.email, { host: "127.0.0.1", port: mailpit.smtpPort });
  httpT.template.http.url = `${sink.url}/generations`;
  const r = parseResource(doc);
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r.resource as Sensor;
}

async function startPipeline(busNs: string, ns: string) {
  const es = exampleDoc("eventsource.yaml", ns);
  const r = parseResource(es);
  assert.ok(r.ok);
  const source = await startEventSource(nats.url, busNs, r.resource as never, { kubeConfig: kube.kubeConfig });
  started.push(source);
  const sensor = await startSensor(nats.url, busNs, exampleSensor(ns), { secrets, templates });
  started.push(sensor);
  return { source, sensor };
}

const deployment = (name: string, annotations: Record<string, string>): V1Deployment => ({
  metadata: { name, annotations },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "nginx" }] } },
  },
});

/** A bare apiserver runs no controller: the test writes status as the Deployment controller would, through /status. */
async function setStatus(ns: string, name: string, status: V1Deployment["status"]): Promise<void> {
  const d = await apps.readNamespacedDeployment({ name, namespace: ns });
  d.status = { ...d.status, ...status };
  await apps.replaceNamespacedDeploymentStatus({ name, namespace: ns, body: d });
}
const available = (s: "True" | "False") => [{ type: "Available", status: s, reason: s === "True" ? "MinimumReplicasAvailable" : "MinimumReplicasUnavailable" }];

describe("notifications", () => {
  it("sends the template's message to each subscriber once, on entering Available, and a webhook once per generation, even after a restart", async () => {
    const ns = await kube.newNamespace("notify");
    let { sensor } = await startPipeline("notify-e2e", ns);
    await apps.createNamespacedDeployment({
      namespace: ns,
      body: deployment("web", {
        "notifications.argoproj.io/subscribe.on-deployment-available.slack": "deployments; oncall",
        "notifications.argoproj.io/subscribe.on-deployment-available.email": "team@example.com",
        // notifications-engine's YAML form, merged with the key form.
        "notifications.argoproj.io/subscriptions": "- trigger: [on-deployment-available]\n  destinations:\n    - service: email\n      recipients: [lead@example.com]\n",
      }),
    });
    await apps.createNamespacedDeployment({ namespace: ns, body: deployment("quiet", {}) });

    // Generation 1 rolls out and becomes available: one Slack message per channel, one email per address, one webhook.
    await setStatus(ns, "web", { observedGeneration: 1, replicas: 1, conditions: available("False") });
    await setStatus(ns, "web", { observedGeneration: 1, readyReplicas: 1, conditions: available("True") });
    await setStatus(ns, "quiet", { observedGeneration: 1, replicas: 1, readyReplicas: 1, conditions: available("True") });
    const posted = await waitFor("a Slack message in each subscribed channel", () => (slack.messages.length >= 2 ? slack.messages : undefined), 30_000);
    assert.deepEqual(posted.map((m) => m.channel).sort(), ["C0DEPLOY", "C0ONCALL"]);
    for (const m of posted) {
      assert.equal(m.text, `Deployment ${ns}/web is available (generation 1).`);
      assert.deepEqual((m.blocks as { text: { text: string } }[])[0]!.text.text, `*web* is available in ${ns} :white_check_mark:`);
    }
    const mails = await waitFor("an email to each subscribed address", async () => {
      const all = await mailpit.messages();
      return all.length >= 2 ? all : undefined;
    }, 30_000);
    assert.deepEqual(mails.map((m) => m.To.map((t) => t.Address).join()).sort(), ["lead@example.com", "team@example.com"]);
    for (const m of mails) {
      assert.equal(m.Subject, "Deployment web is available");
      assert.equal(m.Text.trim(), `Deployment ${ns}/web is available (generation 1).`);
    }
    // Three updates of generation 1 (web twice, quiet once): one webhook per Deployment and generation.
    const first = await waitFor("webhooks of generation 1", () => (sink.received.length >= 2 ? sink.received : undefined), 30_000);
    await waitFor("the repeated generation suppressed", async () => (await metricValue(sensor.registry, "impulse_sensor_duplicates_suppressed_total", { trigger: "on-generation" })) >= 1, 30_000);
    assert.deepEqual(first.map((r) => r.json).sort((a: any, b: any) => a.deployment.localeCompare(b.deployment)), [
      { deployment: "quiet", namespace: ns, generation: 1, readyReplicas: 1 },
      { deployment: "web", namespace: ns, generation: 1, readyReplicas: 0 },
    ]);

    // Restart the sensor: the oncePer records are on the bus, so generation 1 is still known.
    await sensor.stop();
    started.splice(started.indexOf(sensor), 1);
    sensor = await startSensor(nats.url, "notify-e2e", exampleSensor(ns), { secrets, templates });
    started.push(sensor);
    // Still Available (no transition: no message); generation 1 again (no webhook); then generation 2 (a webhook).
    await setStatus(ns, "web", { observedGeneration: 1, readyReplicas: 1, replicas: 2, conditions: available("True") });
    await waitFor("generation 1 suppressed after the restart", async () => (await metricValue(sensor.registry, "impulse_sensor_duplicates_suppressed_total", { trigger: "on-generation" })) >= 1, 30_000);
    await setStatus(ns, "web", { observedGeneration: 2, readyReplicas: 2, conditions: available("True") });
    const second = await waitFor("the webhook of generation 2", () => (sink.received.length >= 3 ? sink.received : undefined), 30_000);
    assert.deepEqual(second[2]!.json, { deployment: "web", namespace: ns, generation: 2, readyReplicas: 2 });
    // Available → unavailable → Available again is a new transition: messages again, to both channels.
    await setStatus(ns, "web", { observedGeneration: 2, conditions: available("False") });
    await setStatus(ns, "web", { observedGeneration: 2, conditions: available("True") });
    await waitFor("messages on entering Available again", () => (slack.messages.length >= 4 ? true : undefined), 30_000);
    assert.equal(slack.messages.filter((m) => m.text.includes("(generation 2)")).length, 2);
    assert.equal(sink.received.length, 3, "no webhook for generation 2 again");
    assert.equal(slack.messages.length, 4, "staying Available sent nothing");
    // The 'quiet' Deployment entered Available too, but subscribes nobody: no message named it.
    assert.equal(slack.messages.some((m) => m.text.includes("/quiet ")), false);
    assert.equal((await mailpit.messages()).some((m) => m.Subject.includes("quiet")), false);
  });
});
