// Two replicas of one Sensor with --leader-elect, as the controller runs them: one fires, the other stands by and takes over.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { CoordinationV1Api } from "@kubernetes/client-node";
import { freePort, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { spawnCli, waitHealthy, type CliProcess } from "../../kit/cli.js";
import { startKube, type Kube } from "../../kit/kube.js";
import { startNats } from "../../kit/nats.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let kube: Kube;
let sink: Sink;
const procs: CliProcess[] = [];

before(async () => {
  [nats, kube, sink] = await Promise.all([startNats(), startKube(), startSink()]);
});
after(async () => {
  for (const p of procs) await p.stop();
  await Promise.all([sink?.close(), nats?.stop(), kube?.stop()]);
});

const firedBy = async (metricsPort: number) => {
  const text = await (await request(`http://127.0.0.1:${metricsPort}/metrics`)).body.text();
  return Number(/impulse_sensor_triggers_fired_total\{sensor="relay",trigger="post"\} (\d+)/.exec(text)?.[1] ?? 0);
};

it("fires from the Lease holder only, and from the standby once the holder stops", async () => {
  const ns = await kube.newNamespace("standby");
  const dir = mkdtempSync(join(tmpdir(), "impulse-standby-"));
  const webhookPort = await freePort();
  writeFileSync(
    join(dir, "eventsource.yaml"),
    `apiVersion: impulse.dev/v1alpha1\nkind: EventSource\nmetadata: {name: hooks}\nspec:\n  webhook:\n    in: {port: "${webhookPort}", endpoint: /in, method: POST}\n`,
  );
  writeFileSync(
    join(dir, "sensor.yaml"),
    `apiVersion: impulse.dev/v1alpha1\nkind: Sensor\nmetadata: {name: relay}\nspec:\n  dependencies: [{name: d, eventSourceName: hooks, eventName: in}]\n  triggers:\n    - template:\n        name: post\n        http: {url: "${sink.url}/relay", payload: [{src: {dependencyName: d, dataKey: body.n}, dest: n}]}\n`,
  );
  const common = ["--nats-url", nats.url, "--namespace", "standby", "--log-level", "warn", "--kubeconfig", kube.kubeconfigPath, "--lease-namespace", ns];
  const replicas: { name: string; proc: CliProcess; metrics: number }[] = [];
  for (const name of ["sensor-a", "sensor-b"]) {
    const metrics = await freePort();
    const proc = spawnCli(["sensor", "-f", join(dir, "sensor.yaml"), "--leader-elect", "--metrics-port", String(metrics), ...common], { POD_NAME: name });
    procs.push(proc);
    replicas.push({ name, proc, metrics });
  }
  for (const r of replicas) await waitHealthy(r.proc, r.metrics); // a standby is healthy too
  const esMetrics = await freePort();
  const es = spawnCli(["eventsource", "-f", join(dir, "eventsource.yaml"), "--metrics-port", String(esMetrics), ...common]);
  procs.push(es);
  await waitHealthy(es, esMetrics);

  const leases = kube.kubeConfig.makeApiClient(CoordinationV1Api);
  const holder = () => leases.readNamespacedLease({ namespace: ns, name: "sensor-relay" }).then((l) => l.spec?.holderIdentity, () => undefined);
  const leaderName = await waitFor("a sensor leader", holder);
  const leader = replicas.find((r) => r.name === leaderName)!;
  const standby = replicas.find((r) => r.name !== leaderName)!;

  const send = async (n: number) => {
    const r = await request(`http://127.0.0.1:${webhookPort}/in`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ n }) });
    assert.equal(r.statusCode, 200);
    await r.body.dump();
  };
  await send(1);
  await waitFor("the first firing", () => sink.received.length >= 1);
  assert.deepEqual([await firedBy(leader.metrics), await firedBy(standby.metrics)], [1, 0]);

  await leader.proc.stop(); // SIGTERM: releases the Lease
  await waitFor("the standby to take the Lease", async () => (await holder()) === standby.name);
  await send(2);
  await waitFor("the second firing", () => sink.received.length >= 2);
  assert.deepEqual(sink.received.map((r) => (r.json as { n: string }).n), ["1", "2"]); // dataKey values are strings, as in Argo
  assert.equal(await firedBy(standby.metrics), 1);
});

it("answers 503 naming the denial when its service account may not use Leases", async () => {
  const ns = await kube.newNamespace("nolease");
  const sa = await kube.serviceAccount(ns, "sensor-without-leases", []);
  const dir = mkdtempSync(join(tmpdir(), "impulse-nolease-"));
  writeFileSync(
    join(dir, "sensor.yaml"),
    `apiVersion: impulse.dev/v1alpha1\nkind: Sensor\nmetadata: {name: relay}\nspec:\n  dependencies: [{name: d, eventSourceName: hooks, eventName: in}]\n  triggers: [{template: {name: t, log: {}}}]\n`,
  );
  const metrics = await freePort();
  const proc = spawnCli(
    ["sensor", "-f", join(dir, "sensor.yaml"), "--leader-elect", "--metrics-port", String(metrics), "--nats-url", nats.url, "--namespace", "nolease", "--log-level", "silent", "--kubeconfig", sa.kubeconfigPath, "--lease-namespace", ns],
    { POD_NAME: "sensor-x" },
  );
  procs.push(proc);
  const body = await waitFor("an unhealthy /health", async () => {
    const r = await request(`http://127.0.0.1:${metrics}/health`).catch(() => undefined);
    if (!r) return undefined;
    const text = await r.body.text();
    return r.statusCode === 503 && /leaseError/.test(text) ? text : undefined;
  });
  assert.match(body, /forbidden/i);
});
