// The horizon-events catalog (manifests/examples/horizon-events) end to end, as `impulse` processes with the example's
// files, on a real kube-apiserver with Argo Rollouts' and Argo CD's own CRDs: Rollout Events and Application health
// transitions become webhooks to an external receiver (a sink), retried while it answers 503.
import assert from "node:assert/strict";
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CoreV1Api, type CoreV1Event } from "@kubernetes/client-node";
import type { NatsServer } from "@impulse/bus";
import { installArgoNotificationCrds } from "../../kit/argo-crds.js";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { kubeJson } from "../../kit/crds.js";
import { adaptExample } from "../../kit/examples.js";
import { startKube, type Kube } from "../../kit/kube.js";
import { startNats } from "../../kit/nats.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { scrapeCounter } from "../../kit/scrape.js";
import { waitFor } from "../../kit/wait.js";

const example = join(repoRoot, "manifests/examples/horizon-events");

let kube: Kube;
let nats: NatsServer;
let sink: Sink;
let core: CoreV1Api;
const procs: CliProcess[] = [];

before(async () => {
  [kube, nats, sink] = await Promise.all([startKube(), startNats(), startSink()]);
  await installArgoNotificationCrds(kube);
  core = kube.kubeConfig.makeApiClient(CoreV1Api);
});
after(async () => {
  for (const p of procs) await p.stop();
  await sink?.close();
  await Promise.all([nats?.stop(), kube?.stop()]);
});

async function ok(r: Promise<{ status: number; json: any }>): Promise<any> {
  const { status, json } = await r;
  assert.ok(status < 300, `HTTP ${status}: ${JSON.stringify(json?.message ?? json)}`);
  return json;
}

const rollout = (name: string) => ({
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Rollout",
  metadata: { name },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: "c", image: "nginx:1.27" }] } },
    strategy: { canary: { steps: [{ setWeight: 50 }, { pause: { duration: "1m" } }] } },
  },
});

const application = (name: string) => ({
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Application",
  metadata: { name },
  spec: { project: "default", source: { repoURL: "https://git.example.com/apps.git", path: name, targetRevision: "HEAD" }, destination: { server: "https://kubernetes.default.svc", namespace: "web" } },
});

const rolloutEvent = (ns: string, r: { name: string; uid: string }, name: string, reason: string, message: string): CoreV1Event => ({
  metadata: { name, namespace: ns },
  involvedObject: { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", name: r.name, namespace: ns, uid: r.uid },
  reason,
  message,
  type: "Normal",
  count: 1,
  firstTimestamp: new Date(),
  lastTimestamp: new Date(),
  source: { component: "rollouts-controller" },
});

const bodies = (path: string) => sink.received.filter((r) => r.path === path).map((r) => r.json as Record<string, unknown>);
const distinct = (list: Record<string, unknown>[]) => [...new Map(list.map((b) => [JSON.stringify(b), b])).values()];

describe("horizon-events catalog", () => {
  it("sends Rollout step Events and Application health transitions to the receiver, retrying while it fails", async () => {
    const appsNs = await kube.newNamespace("argocd");
    const ns = await kube.newNamespace("rollouts");
    const dir = mkdtempSync(join(tmpdir(), "impulse-horizon-"));
    adaptExample(join(example, "eventsource.yaml"), join(dir, "eventsource.yaml"), [["namespace: argocd", `namespace: ${appsNs}`]]);
    adaptExample(join(example, "sensor.yaml"), join(dir, "sensor.yaml"), [
      ["https://horizon.example.com/hooks/rollouts", `${sink.url}/hooks/rollouts`],
      ["https://horizon.example.com/hooks/applications", `${sink.url}/hooks/applications`],
    ]);
    copyFileSync(join(example, "templates.yaml"), join(dir, "templates.yaml"));
    const common = ["--nats-url", nats.url, "--namespace", "horizon", "--log-level", "warn"];
    const sensor = await startRuntime("sensor", join(dir, "sensor.yaml"), [...common, "--templates", join(dir, "templates.yaml")], procs);
    await startRuntime("eventsource", join(dir, "eventsource.yaml"), [...common, "--kubeconfig", kube.kubeconfigPath], procs);

    // Rollout Events while Horizon is down: the first answers 503, and the firing is retried until it is back.
    const ro = await ok(kubeJson(kube, "POST", `/apis/argoproj.io/v1alpha1/namespaces/${ns}/rollouts`, rollout("web")));
    const r = { name: "web", uid: ro.metadata.uid as string };
    sink.respondWith(503);
    await core.createNamespacedEvent({ namespace: ns, body: rolloutEvent(ns, r, "web.updated", "RolloutUpdated", "Rollout updated to revision 2") });
    await core.createNamespacedEvent({ namespace: ns, body: rolloutEvent(ns, r, "web.step1", "SetStepIndex", "Set Step Index to 1") });
    // A second call of the same webhook while the receiver still answers 503 is the retry (the first was refused).
    await waitFor("the SetStepIndex webhook retried after a 503", () => bodies("/hooks/rollouts").filter((b) => b["reason"] === "SetStepIndex").length >= 2, 60_000);
    sink.respondWith(200);
    await core.createNamespacedEvent({ namespace: ns, body: rolloutEvent(ns, r, "web.stable", "SettingStableRS", "Setting stable ReplicaSet to revision 2") });
    const rolloutHooks = await waitFor("both Rollout Events delivered", () => (distinct(bodies("/hooks/rollouts")).length >= 2 ? distinct(bodies("/hooks/rollouts")) : undefined), 60_000);
    // Both firings succeeded in the end (the sink records calls, not answers: the sensor counts successes).
    await waitFor("both Rollout webhooks accepted", async () => (await scrapeCounter(sensor.metricsPort, "impulse_sensor_triggers_fired_total", { trigger: "rollout-event" })) >= 2, 60_000);
    assert.deepEqual(
      rolloutHooks.map((b) => [b["kind"], b["reason"], b["message"], b["rollout"], b["namespace"], b["uid"]]).sort(),
      [
        ["RolloutEvent", "SetStepIndex", "Set Step Index to 1", "web", ns, r.uid],
        ["RolloutEvent", "SettingStableRS", "Setting stable ReplicaSet to revision 2", "web", ns, r.uid],
      ],
    );

    // Application health: Progressing → Healthy, Healthy → Suspended (not sent), Suspended → Progressing, Progressing → Degraded.
    const path = `/apis/argoproj.io/v1alpha1/namespaces/${appsNs}/applications`;
    await ok(kubeJson(kube, "POST", path, application("shop")));
    const setHealth = async (health: string, revision: string) => {
      const app = await ok(kubeJson(kube, "GET", `${path}/shop`));
      app.status = { ...app.status, health: { status: health }, sync: { status: "Synced", revision } };
      await ok(kubeJson(kube, "PUT", `${path}/shop`, app));
    };
    for (const [health, revision] of [["Progressing", "a1"], ["Healthy", "a1"], ["Healthy", "b2"], ["Suspended", "b2"], ["Progressing", "b2"], ["Progressing", "c3"], ["Degraded", "c3"]] as const)
      await setHealth(health, revision);
    const appHooks = await waitFor("three health transitions", () => (distinct(bodies("/hooks/applications")).length >= 3 ? distinct(bodies("/hooks/applications")) : undefined), 60_000);
    assert.deepEqual(
      appHooks.map((b) => `${b["application"]} ${b["from"]} -> ${b["to"]} @${b["revision"]}`).sort(),
      ["shop Progressing -> Degraded @c3", "shop Progressing -> Healthy @a1", "shop Suspended -> Progressing @b2"],
    );
    assert.ok(appHooks.every((b) => b["kind"] === "ApplicationHealth" && b["namespace"] === appsNs));
    // The filtered Rollout Event (RolloutUpdated) was published before the others and never sent.
    assert.equal(bodies("/hooks/rollouts").some((b) => b["reason"] === "RolloutUpdated"), false);
  });
});
