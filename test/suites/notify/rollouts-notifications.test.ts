// The rollouts-notifications catalog (manifests/examples/rollouts-notifications): notifications-engine's built-in Rollouts
// triggers as one Sensor, on a real kube-apiserver with Argo Rollouts' own CRD; the Rollout's status is moved through
// the status subresource as the rollouts controller would, and the messages are checked at the kit's Slack stand-in,
// Mailpit and the Teams stand-in, each going only to the recipients the Rollout's annotations name.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseResource, type EventSource, type Sensor } from "@impulse/api";
import type { NatsServer } from "@impulse/bus";
import { parseCatalog, type MessageCatalog } from "@impulse/sensor";
import { parse } from "yaml";
import { installArgoNotificationCrds } from "../../kit/argo-crds.js";
import { repoRoot } from "../../kit/cli.js";
import { kubeJson } from "../../kit/crds.js";
import { startKube, type Kube } from "../../kit/kube.js";
import { startMailpit, type Mailpit } from "../../kit/mailpit.js";
import { startNats } from "../../kit/nats.js";
import { metricValue, startEventSource, startSensor, type Started } from "../../kit/runtimes.js";
import { startSlackApi, type SlackApi } from "../../kit/slack-api.js";
import { startTeamsWebhooks, type TeamsWebhooks } from "../../kit/teams-webhook.js";
import { waitFor } from "../../kit/wait.js";

const example = join(repoRoot, "manifests/examples/rollouts-notifications");
const TOKEN = "xoxb-impulse-rollouts";

let kube: Kube;
let nats: NatsServer;
let slack: SlackApi;
let mailpit: Mailpit;
let teams: TeamsWebhooks;
let templates: MessageCatalog;
const started: Started[] = [];

before(async () => {
  [kube, nats, mailpit, teams] = await Promise.all([startKube(), startNats(), startMailpit({ tls: "none" }), startTeamsWebhooks()]);
  slack = await startSlackApi({ tokens: [TOKEN], channels: [{ id: "C0DEPLOY", name: "deployments" }, { id: "C0ONCALL", name: "oncall" }] });
  await installArgoNotificationCrds(kube);
  const r = parseCatalog((parse(readFileSync(join(example, "templates.yaml"), "utf8")) as { data: Record<string, string> }).data, "the example's ConfigMap");
  assert.deepEqual(r.errors, []);
  templates = r.catalog;
});
after(async () => {
  for (const s of started.reverse()) await s.stop().catch(() => undefined);
  await slack?.close();
  await teams?.close();
  await Promise.all([mailpit?.stop(), nats?.stop(), kube?.stop()]);
});

const secrets = async (ref: { name: string; key: string }) => {
  if (ref.name === "argo-rollouts-notification-secret" && ref.key === "slack-token") return TOKEN;
  if (ref.name === "teams-webhooks" && ref.key === "release") return teams.connectorUrl;
  throw new Error(`no secret ${ref.name}/${ref.key}`);
};

/** The example's Sensor (YAML anchors and all) with this test's servers. */
function exampleSensor(): Sensor {
  const doc = parse(readFileSync(join(example, "sensor.yaml"), "utf8")) as { spec: { triggers: { template: Record<string, any> }[] } };
  const first = doc.spec.triggers.map((t) => t.template);
  // The anchors make every trigger share one object per kind: setting it once sets it everywhere.
  first.find((t) => t["slack"])!["slack"].apiUrl = slack.url;
  Object.assign(first.find((t) => t["email"])!["email"], { host: "127.0.0.1", port: mailpit.smtpPort, username: undefined, smtpPassword: undefined });
  const r = parseResource(JSON.parse(JSON.stringify(doc)));
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return r.resource as Sensor;
}

const rolloutPath = (ns: string) => `/apis/argoproj.io/v1alpha1/namespaces/${ns}/rollouts`;
async function ok(r: Promise<{ status: number; json: any }>): Promise<any> {
  const { status, json } = await r;
  assert.ok(status < 300, `HTTP ${status}: ${JSON.stringify(json?.message ?? json)}`);
  return json;
}

describe("rollouts-notifications catalog", () => {
  it("sends notifications-engine's default messages for each trigger to the subscribed Slack channels, addresses and Teams webhooks, once", async () => {
    const ns = await kube.newNamespace("rollouts");
    const es = parseResource(parse(readFileSync(join(example, "eventsource.yaml"), "utf8")));
    assert.ok(es.ok);
    started.push(await startEventSource(nats.url, "rollouts-notify", es.resource as EventSource, { kubeConfig: kube.kubeConfig }));
    const sensor = await startSensor(nats.url, "rollouts-notify", exampleSensor(), { secrets, templates });
    started.push(sensor);

    const rollout = {
      apiVersion: "argoproj.io/v1alpha1",
      kind: "Rollout",
      metadata: {
        name: "web",
        annotations: {
          "notifications.argoproj.io/subscribe.on-rollout-completed.slack": "deployments",
          "notifications.argoproj.io/subscribe.on-rollout-step-completed.slack": "deployments;oncall",
          "notifications.argoproj.io/subscribe.on-rollout-updated.slack": "deployments",
          "notifications.argoproj.io/subscribe.on-rollout-paused.email": "team@example.com",
          "notifications.argoproj.io/subscribe.on-rollout-aborted.email": "team@example.com",
          "notifications.argoproj.io/subscribe.on-analysis-run-failed.teams": "release",
        },
      },
      spec: {
        replicas: 2,
        selector: { matchLabels: { app: "web" } },
        template: { metadata: { labels: { app: "web" } }, spec: { containers: [{ name: "web", image: "nginx:1.27" }] } },
        strategy: { canary: { steps: [{ setWeight: 50 }, { pause: {} }] } },
      },
    };
    await ok(kubeJson(kube, "POST", rolloutPath(ns), rollout));
    /** Writes status as the rollouts controller would, through the status subresource. */
    const setStatus = async (status: Record<string, unknown>) => {
      const live = await ok(kubeJson(kube, "GET", `${rolloutPath(ns)}/web`));
      live.status = { ...live.status, ...status };
      await ok(kubeJson(kube, "PUT", `${rolloutPath(ns)}/web/status`, live));
    };
    const running = (status: string) => ({ canary: { currentStepAnalysisRunStatus: { name: "web-aaa-1", status, message: "" } } });

    await setStatus({ phase: "Progressing", currentPodHash: "aaa", currentStepIndex: 0 }); // a first status: nothing
    await setStatus({ currentStepIndex: 1 }); // step 1 done: Slack, two channels
    await setStatus({ phase: "Paused" }); // email
    await setStatus({ phase: "Progressing", ...running("Running") }); // no subscriber for on-analysis-run-running
    await setStatus(running("Failed")); // Teams "release"
    await setStatus({ abort: true, phase: "Degraded" }); // email
    const live = await ok(kubeJson(kube, "GET", `${rolloutPath(ns)}/web`));
    live.spec.template.spec.containers[0].image = "nginx:1.28";
    await ok(kubeJson(kube, "PUT", `${rolloutPath(ns)}/web`, live)); // generation 2: Slack
    await setStatus({ abort: false, phase: "Progressing", currentPodHash: "bbb" });
    await setStatus({ phase: "Healthy" }); // completed: Slack
    await setStatus({ phase: "Progressing" });
    await setStatus({ phase: "Healthy" }); // completed again with the same pod hash: oncePer keeps it to one

    await waitFor("four Slack messages", () => slack.messages.length >= 4, 60_000);
    const mails = await waitFor("two emails", async () => ((await mailpit.messages()).length >= 2 ? mailpit.messages() : undefined), 60_000);
    await waitFor("one Teams card", () => teams.received.length >= 1, 60_000);
    await waitFor("the second completion suppressed by oncePer", async () => (await metricValue(sensor.registry, "impulse_sensor_duplicates_suppressed_total", { trigger: "on-rollout-completed.slack" })) >= 1, 60_000);

    assert.deepEqual(slack.messages.map((m) => `${m.channel} ${m.text}`).sort(), [
      "C0DEPLOY Rollout web has been completed.",
      "C0DEPLOY Rollout web has been updated.",
      "C0DEPLOY Rollout web step number 2/2 has been completed.",
      "C0ONCALL Rollout web step number 2/2 has been completed.",
    ]);
    const attachment = (slack.messages.find((m) => m.text === "Rollout web has been completed.")!.attachments as { title: string; color: string; fields: { title: string; value: string }[] }[])[0]!;
    assert.equal(attachment.title, "web");
    assert.deepEqual(attachment.fields.map((f) => `${f.title}=${f.value}`), ["Strategy=Canary", "web=nginx:1.28"]);
    assert.deepEqual(mails.map((m) => `${m.To.map((t) => t.Address).join()} ${m.Subject}`).sort(), [
      "team@example.com Rollout web has been aborted.",
      "team@example.com Rollout web has been paused.",
    ]);
    assert.equal(mails.find((m) => m.Subject.includes("paused"))!.Text.trim(), "Rollout web has been paused.");
    assert.equal(teams.received.length, 1);
    assert.equal(teams.received[0]!.kind, "connector");
    assert.equal(teams.received[0]!.body["title"], "Rollout web's analysis run failed.");
    assert.equal(teams.received[0]!.body["text"], "Rollout web's analysis run failed.");
  });
});
