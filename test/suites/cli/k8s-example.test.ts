// The k8s-trigger example, run as pods run it (`impulse eventsource`, `impulse sensor --kubeconfig`) against a real apiserver.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { BatchV1Api, CoreV1Api } from "@kubernetes/client-node";
import { freePort, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { startKube, type Kube } from "../../kit/kube.js";
import { startNats } from "../../kit/nats.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let kube: Kube;
const procs: CliProcess[] = [];

before(async () => {
  [nats, kube] = await Promise.all([startNats(), startKube()]);
});
after(async () => {
  for (const p of procs) await p.stop();
  await nats?.stop();
  await kube?.stop();
});

it("starts a release Job and records the release in a ConfigMap for each webhook request", async () => {
  const ns = await kube.newNamespace("example");
  const dir = mkdtempSync(join(tmpdir(), "impulse-k8s-example-"));
  const webhookPort = await freePort();
  const example = join(repoRoot, "manifests/examples/k8s-trigger");
  writeFileSync(join(dir, "eventsource.yaml"), readFileSync(join(example, "eventsource.yaml"), "utf8").replace('"12002"', `"${webhookPort}"`));
  // In a cluster the Sensor resource carries its namespace; here the test gives it a fresh one.
  const sensorYaml = readFileSync(join(example, "sensor.yaml"), "utf8").replace("  name: release-on-request\n", `  name: release-on-request\n  namespace: ${ns}\n`);
  assert.match(sensorYaml, new RegExp(`namespace: ${ns}`));
  writeFileSync(join(dir, "sensor.yaml"), sensorYaml);

  const common = ["--nats-url", nats.url, "--namespace", "k8s-example", "--log-level", "warn"];
  const sensor = await startRuntime("sensor", join(dir, "sensor.yaml"), ["--kubeconfig", kube.kubeconfigPath, ...common], procs);
  const es = await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs);

  const r = await request(`http://127.0.0.1:${webhookPort}/releases`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ app: "shop", version: "1.4.2" }) });
  assert.equal(r.statusCode, 200);
  await r.body.dump();

  const batch = kube.kubeConfig.makeApiClient(BatchV1Api);
  const job = await waitFor("release Job", async () => (await batch.listNamespacedJob({ namespace: ns })).items[0], 30_000);
  assert.match(job.metadata!.name!, /^release-/);
  assert.equal(job.metadata!.labels!["app"], "shop");
  assert.equal(job.metadata!.labels!["impulse.dev/sensor"], "release-on-request");
  assert.deepEqual(job.spec!.template.spec!.containers[0]!.args, ["shop", "1.4.2"]);

  const core = kube.kubeConfig.makeApiClient(CoreV1Api);
  const cm = await waitFor("latest-release ConfigMap", () => core.readNamespacedConfigMap({ namespace: ns, name: "latest-release" }).catch(() => undefined), 30_000);
  assert.deepEqual(cm.data, { app: "shop", version: "1.4.2" });

  // The objects exist a moment before the firings are counted.
  const fired = (text: string, trigger: string) => new RegExp(`impulse_sensor_triggers_fired_total\\{sensor="release-on-request",trigger="${trigger}"\\} 1`).test(text);
  await waitFor("both firings counted", async () => {
    const text = await (await request(`http://127.0.0.1:${sensor.metricsPort}/metrics`)).body.text();
    return fired(text, "run-release") && fired(text, "record-release");
  });
});
