// The `impulse controller` process against a real kube-apiserver: EventBus/EventSource/Sensor → workloads, status, Events, cleanup.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort } from "@impulse/bus";
import { Agent, request } from "undici";
import { parse } from "yaml";
import { repoRoot, spawnCli, waitHealthy, type CliProcess } from "../../kit/cli.js";
import { installCrds } from "../../kit/crds.js";
import { startKube, type Kube } from "../../kit/kube.js";
import { kubectl } from "../../kit/kubectl.js";
import { podEnv, startNatsWithConfig } from "../../kit/pods.js";
import { waitFor } from "../../kit/wait.js";

let kube: Kube;
let controller: CliProcess;
let metricsPort: number;
let agent: Agent;
const IMPULSE = "/apis/impulse.dev/v1alpha1";
const T = 30_000;

/** A raw request as the admin user (content type chosen per call: merge patches, status subresources). */
async function api(method: string, path: string, body?: unknown, contentType = "application/json"): Promise<{ status: number; json: any }> {
  const res = await request(`${kube.server}${path}`, {
    method: method as "GET",
    dispatcher: agent,
    headers: { authorization: `Bearer ${kube.kubeConfig.getCurrentUser()!.token}`, "content-type": contentType, accept: "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, json: text ? JSON.parse(text) : undefined };
}
const get = async (path: string) => {
  const r = await api("GET", path);
  return r.status === 200 ? r.json : undefined;
};
async function create(ns: string, plural: string, kind: string, name: string, spec: unknown): Promise<any> {
  const r = await api("POST", `${IMPULSE}/namespaces/${ns}/${plural}`, { apiVersion: "impulse.dev/v1alpha1", kind, metadata: { name }, spec });
  assert.equal(r.status, 201, JSON.stringify(r.json));
  return r.json;
}
const mergePatch = (path: string, body: unknown) => api("PATCH", path, body, "application/merge-patch+json");

const condition = (obj: any, type: string) => obj?.status?.conditions?.find((c: any) => c.type === type);
async function waitCondition(path: string, type: string, pred: (c: any) => boolean, what: string): Promise<any> {
  let last: any;
  return waitFor(`${what} (${path} ${type})`, async () => {
    last = await get(path);
    return last && condition(last, type) && pred(condition(last, type)) ? last : undefined;
  }, T).catch((e: Error) => {
    throw new Error(`${e.message}\nlast status: ${JSON.stringify(last?.status)}\ncontroller output:\n${controller.output().slice(-3000)}`);
  });
}
async function events(ns: string, uid: string): Promise<{ type: string; reason: string; message: string; count: number }[]> {
  const r = await api("GET", `/api/v1/namespaces/${ns}/events?fieldSelector=${encodeURIComponent(`involvedObject.uid=${uid}`)}`);
  return r.json.items;
}
/** Plays the part of the workload controllers a bare apiserver lacks: the rollout finished, every replica ready. */
async function markAvailable(path: string): Promise<void> {
  const o = await get(path);
  const replicas = o.spec.replicas;
  const r = await mergePatch(`${path}/status`, { status: { observedGeneration: o.metadata.generation, replicas, readyReplicas: replicas, availableReplicas: replicas, updatedReplicas: replicas } });
  assert.equal(r.status, 200, JSON.stringify(r.json));
}
/** A namespace with a ready EventBus "default" (one NATS server). */
async function namespaceWithBus(prefix: string): Promise<string> {
  const ns = await kube.newNamespace(prefix);
  await create(ns, "eventbuses", "EventBus", "default", { jetstream: { replicas: 1 } });
  const sts = `/apis/apps/v1/namespaces/${ns}/statefulsets/eventbus-default-js`;
  await waitFor("bus StatefulSet", () => get(sts), T);
  await markAvailable(sts);
  await waitCondition(`${IMPULSE}/namespaces/${ns}/eventbuses/default`, "Ready", (c) => c.status === "True", "bus ready");
  return ns;
}

function startControllerProcess(podName: string, port: number, extra: string[] = []): CliProcess {
  return spawnCli(["controller", "--kubeconfig", kube.kubeconfigPath, "--metrics-port", String(port), "--image", "impulse:test", ...extra], { POD_NAME: podName });
}
async function readyz(port: number): Promise<{ status: number; body: { leader?: boolean } } | undefined> {
  try {
    const r = await request(`http://127.0.0.1:${port}/readyz`);
    return { status: r.statusCode, body: (await r.body.json()) as { leader?: boolean } };
  } catch {
    return undefined;
  }
}
const LEADER_ELECT = ["--leader-elect", "--lease-namespace", "default"];

before(async () => {
  kube = await startKube();
  const ca = kube.kubeConfig.getCurrentCluster()!.caData!;
  agent = new Agent({ connect: { ca: Buffer.from(ca, "base64").toString() } });
  await installCrds(kube);
  metricsPort = await freePort();
  controller = startControllerProcess("controller-0", metricsPort, LEADER_ELECT);
  await waitFor("controller /readyz", async () => {
    if (controller.proc.exitCode !== null) throw new Error(`controller exited:\n${controller.output()}`);
    const r = await readyz(metricsPort);
    return r?.status === 200 && r.body.leader === true;
  }, 60_000);
});
after(async () => {
  await controller?.stop();
  await agent?.close();
  await kube?.stop();
});

describe("impulse controller", () => {
  it("EventBus jetstream: NATS StatefulSet, Services, config, auth Secret; status carries the connection; Ready follows the StatefulSet", async () => {
    const ns = await kube.newNamespace("bus");
    const bus = await create(ns, "eventbuses", "EventBus", "default", { jetstream: { replicas: 1, maxPayload: "2MB" } });
    const stsPath = `/apis/apps/v1/namespaces/${ns}/statefulsets/eventbus-default-js`;
    const sts = await waitFor("StatefulSet", () => get(stsPath), T);
    assert.deepEqual(sts.metadata.ownerReferences, [{ apiVersion: "impulse.dev/v1alpha1", kind: "EventBus", name: "default", uid: bus.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    assert.equal(sts.metadata.labels["impulse.dev/eventbus-name"], "default");
    assert.equal(sts.spec.replicas, 1);
    const nats = sts.spec.template.spec.containers[0];
    assert.equal(nats.image, "nats:2.11-alpine");
    assert.deepEqual(nats.env.find((e: any) => e.name === "NATS_TOKEN").valueFrom.secretKeyRef, { name: "eventbus-default-js-auth", key: "token" });
    assert.match(sts.spec.template.metadata.annotations["impulse.dev/config-hash"], /^[0-9a-f]{16}$/);
    const conf = (await get(`/api/v1/namespaces/${ns}/configmaps/eventbus-default-js-config`)).data["nats.conf"];
    assert.match(conf, /max_payload: 2MB/);
    const secret = await get(`/api/v1/namespaces/${ns}/secrets/eventbus-default-js-auth`);
    assert.match(Buffer.from(secret.data.token, "base64").toString(), /^[0-9a-f]{64}$/);
    assert.equal((await get(`/api/v1/namespaces/${ns}/services/eventbus-default-js-headless`)).spec.clusterIP, "None");
    assert.equal((await get(`/api/v1/namespaces/${ns}/services/eventbus-default-js`)).spec.ports[0].port, 4222);

    const busPath = `${IMPULSE}/namespaces/${ns}/eventbuses/default`;
    const progressing = await waitCondition(busPath, "Ready", (c) => c.reason === "Progressing", "bus progressing");
    assert.deepEqual(progressing.status.config.jetstream, {
      url: `nats://eventbus-default-js.${ns}.svc:4222`,
      accessSecret: { name: "eventbus-default-js-auth", key: "token" },
      streamConfig: { replicas: 1 },
    });
    assert.equal(progressing.status.observedGeneration, bus.metadata.generation);
    await markAvailable(stsPath);
    const ready = await waitCondition(busPath, "Ready", (c) => c.status === "True", "bus ready");
    assert.equal(condition(ready, "Ready").reason, "Available");
    assert.equal(condition(ready, "Deployed").status, "True");
    const evs = await waitFor("Available Event", async () => {
      const list = await events(ns, bus.metadata.uid);
      return list.some((e) => e.type === "Normal" && e.reason === "Available") ? list : undefined;
    }, T);
    assert.ok(evs.some((e) => e.type === "Normal" && e.reason === "Created" && e.message === "Created StatefulSet eventbus-default-js"), JSON.stringify(evs));
  });

  it("EventBus persistence: the API server accepts the StatefulSet with one claim per NATS server for the JetStream store", async () => {
    const ns = await kube.newNamespace("bus-pvc");
    await create(ns, "eventbuses", "EventBus", "default", { jetstream: { replicas: 3, persistence: { storageClassName: "standard", accessMode: "ReadWriteOnce", volumeSize: "5Gi" } } });
    const sts = await waitFor("StatefulSet", () => get(`/apis/apps/v1/namespaces/${ns}/statefulsets/eventbus-default-js`), T);
    assert.equal(sts.spec.replicas, 3);
    const claims = sts.spec.volumeClaimTemplates;
    assert.equal(claims.length, 1);
    assert.equal(claims[0].metadata.name, "data");
    assert.deepEqual(claims[0].spec.accessModes, ["ReadWriteOnce"]);
    assert.equal(claims[0].spec.storageClassName, "standard");
    assert.equal(claims[0].spec.resources.requests.storage, "5Gi");
    assert.ok(!sts.spec.template.spec.volumes.some((v: any) => v.name === "data"), "the store is the claim, not an emptyDir");
    assert.ok(sts.spec.template.spec.containers[0].volumeMounts.some((m: any) => m.name === "data"));
  });

  it("EventSource: a Deployment running `impulse eventsource` with spec, bus, namespace and identity; webhook Service; Ready once available; a spec change rolls the pods", async () => {
    const ns = await namespaceWithBus("es");
    const spec = { service: { ports: [{ port: 12000, targetPort: 12000 }] }, webhook: { example: { port: "12000", endpoint: "/example", method: "POST" } } };
    const es = await create(ns, "eventsources", "EventSource", "hooks", spec);
    const depPath = `/apis/apps/v1/namespaces/${ns}/deployments/hooks-eventsource`;
    const dep = await waitFor("Deployment", () => get(depPath), T);
    assert.deepEqual(dep.metadata.ownerReferences.map((o: any) => [o.kind, o.name, o.uid, o.controller]), [["EventSource", "hooks", es.metadata.uid, true]]);
    assert.equal(dep.metadata.labels["impulse.dev/eventsource-name"], "hooks");
    assert.equal(dep.metadata.labels["app.kubernetes.io/managed-by"], "impulse-controller");
    const c = dep.spec.template.spec.containers[0];
    assert.equal(c.image, "impulse:test");
    assert.deepEqual(c.args, ["eventsource"]);
    const env = Object.fromEntries(c.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
    const passed = JSON.parse(env.IMPULSE_SPEC);
    assert.deepEqual([passed.kind, passed.metadata.name, passed.spec.webhook], ["EventSource", "hooks", spec.webhook]);
    assert.equal(env.IMPULSE_BUS_URL, `nats://eventbus-default-js.${ns}.svc:4222`);
    assert.equal(env.IMPULSE_NAMESPACE, ns);
    assert.deepEqual(env.IMPULSE_BUS_AUTH, { secretKeyRef: { name: "eventbus-default-js-auth", key: "token" } });
    assert.deepEqual(env.POD_NAME, { fieldRef: { apiVersion: "v1", fieldPath: "metadata.name" } });
    assert.equal(env.IMPULSE_LEADER_ELECT, undefined);
    assert.equal(dep.spec.template.spec.serviceAccountName, "hooks-eventsource");
    // Applied one after the other: the Deployment may show up a moment before the others.
    assert.ok(await waitFor("ServiceAccount", () => get(`/api/v1/namespaces/${ns}/serviceaccounts/hooks-eventsource`), T));
    const svc = await waitFor("Service", () => get(`/api/v1/namespaces/${ns}/services/hooks-eventsource-svc`), T);
    assert.deepEqual(svc.spec.ports.map((p: any) => [p.port, p.targetPort]), [[12000, 12000]]);
    assert.deepEqual(svc.spec.selector, dep.spec.selector.matchLabels);

    const esPath = `${IMPULSE}/namespaces/${ns}/eventsources/hooks`;
    await waitCondition(esPath, "Ready", (c) => c.reason === "Progressing", "es progressing");
    await markAvailable(depPath);
    const ready = await waitCondition(esPath, "Ready", (c) => c.status === "True", "es ready");
    assert.equal(ready.status.sourceTypes, "webhook");
    assert.equal(condition(ready, "BusReady").status, "True");
    const table = kubectl(kube, ["get", "eventsources", "-n", ns]);
    assert.equal(table.status, 0, table.stderr);
    assert.match(table.stdout, /^NAME\s+TYPES\s+READY\s+REASON\s+AGE$/m);
    assert.match(table.stdout, /^hooks\s+webhook\s+True\s+Available\s/m);

    const hash = dep.spec.template.metadata.annotations["impulse.dev/config-hash"];
    const patched = await mergePatch(esPath, { spec: { webhook: { example: { endpoint: "/changed" } } } });
    assert.equal(patched.status, 200);
    const rolled = await waitFor("new config hash", async () => {
      const d = await get(depPath);
      return d.spec.template.metadata.annotations["impulse.dev/config-hash"] !== hash ? d : undefined;
    }, T);
    assert.equal(JSON.parse(rolled.spec.template.spec.containers[0].env.find((e: any) => e.name === "IMPULSE_SPEC").value).spec.webhook.example.endpoint, "/changed");
    // The new generation is not rolled out yet: Ready drops until the Deployment reports it.
    await waitCondition(esPath, "Ready", (c) => c.status === "False" && c.reason === "Progressing", "es rolling");
    await markAvailable(depPath);
    await waitCondition(esPath, "Ready", (c) => c.status === "True", "es ready again");
    const evs = await events(ns, es.metadata.uid);
    assert.ok(evs.some((e) => e.reason === "Updated" && e.message === "Updated Deployment hooks-eventsource"), JSON.stringify(evs));
  });

  it("EventSource with a singleton source and several replicas elects a leader; without spec.service no Service", async () => {
    const ns = await namespaceWithBus("lead");
    await create(ns, "eventsources", "EventSource", "watcher", { replicas: 2, template: { serviceAccountName: "pod-watcher" }, resource: { pods: { version: "v1", resource: "pods", eventTypes: ["ADD"] } } });
    const dep = await waitFor("Deployment", () => get(`/apis/apps/v1/namespaces/${ns}/deployments/watcher-eventsource`), T);
    const env = Object.fromEntries(dep.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value]));
    assert.equal(env.IMPULSE_LEADER_ELECT, "true");
    assert.equal(dep.spec.replicas, 2);
    assert.equal(dep.spec.template.spec.serviceAccountName, "pod-watcher");
    assert.equal(await get(`/api/v1/namespaces/${ns}/services/watcher-eventsource-svc`), undefined);
    assert.equal(await get(`/api/v1/namespaces/${ns}/serviceaccounts/watcher-eventsource`), undefined);
  });

  it("Sensor: a Deployment running `impulse sensor` with its ServiceAccount; counts in status; waits for a missing EventBus", async () => {
    const ns = await kube.newNamespace("sensor");
    const spec = { dependencies: [{ name: "d", eventSourceName: "hooks", eventName: "example" }], triggers: [{ template: { name: "log", log: {} } }, { template: { name: "log2", log: {} } }] };
    const sensor = await create(ns, "sensors", "Sensor", "orders", spec);
    const sPath = `${IMPULSE}/namespaces/${ns}/sensors/orders`;
    const waiting = await waitCondition(sPath, "Ready", (c) => c.reason === "EventBusNotFound", "sensor waits for the bus");
    assert.equal(condition(waiting, "Deployed").reason, "WaitingForEventBus");
    await waitFor("Warning Event", async () => (await events(ns, sensor.metadata.uid)).some((e) => e.type === "Warning" && e.reason === "EventBusNotFound"), T);

    await create(ns, "eventbuses", "EventBus", "default", { jetstreamExotic: { url: "nats://shared-nats.infra:4222" } });
    const depPath = `/apis/apps/v1/namespaces/${ns}/deployments/orders-sensor`;
    const dep = await waitFor("Deployment after the bus appeared", () => get(depPath), T);
    const c = dep.spec.template.spec.containers[0];
    assert.deepEqual(c.args, ["sensor"]);
    assert.equal(c.env.find((e: any) => e.name === "IMPULSE_BUS_URL").value, "nats://shared-nats.infra:4222");
    assert.equal(dep.spec.strategy.type, "Recreate");
    assert.equal(dep.spec.template.spec.serviceAccountName, "orders-sensor");
    const sa = await waitFor("ServiceAccount", () => get(`/api/v1/namespaces/${ns}/serviceaccounts/orders-sensor`), T);
    assert.equal(sa.metadata.ownerReferences[0].uid, sensor.metadata.uid);
    await markAvailable(depPath);
    const ready = await waitCondition(sPath, "Ready", (c) => c.status === "True", "sensor ready");
    assert.equal(ready.status.dependencyCount, 1);
    assert.equal(ready.status.triggerCount, 2);
    const table = kubectl(kube, ["get", "sensors", "-n", ns]);
    assert.match(table.stdout, /^NAME\s+DEPENDENCIES\s+TRIGGERS\s+READY\s+REASON\s+AGE$/m, table.stdout + table.stderr);
    assert.match(table.stdout, /^orders\s+1\s+2\s+True\s+Available\s/m);
  });

  it("an invalid spec: Ready=False with the path and a Warning Event; the controller keeps running", async () => {
    const ns = await namespaceWithBus("invalid");
    // Passes the CRD's schema (an int-or-string) but not the runtimes' parser: only the controller can say why.
    const spec = {
      dependencies: [{ name: "d", eventSourceName: "a", eventName: "x" }],
      triggers: [{ template: { name: "log", log: {} }, retryStrategy: { duration: "soon" } }],
    };
    const sensor = await create(ns, "sensors", "Sensor", "broken", spec);
    const bad = await waitCondition(`${IMPULSE}/namespaces/${ns}/sensors/broken`, "Ready", (c) => c.reason === "InvalidSpec", "invalid spec");
    assert.match(kubectl(kube, ["get", "sensor", "broken", "-n", ns]).stdout, /^broken\s+False\s+InvalidSpec\s/m);
    assert.equal(condition(bad, "Ready").status, "False");
    assert.match(condition(bad, "Ready").message, /^spec\.triggers\[0\]\.retryStrategy\.duration: must be a Go duration/);
    const warning = await waitFor("Warning Event", async () => (await events(ns, sensor.metadata.uid)).find((e) => e.type === "Warning" && e.reason === "InvalidSpec"), T);
    assert.match(warning.message, /spec\.triggers\[0\]\.retryStrategy\.duration/);
    assert.equal(await get(`/apis/apps/v1/namespaces/${ns}/deployments/broken-sensor`), undefined);

    // Refused pod settings (GHSA-hmp7-x699-cvhq) name their path too.
    const es = await create(ns, "eventsources", "EventSource", "priv", {
      template: { hostNetwork: true, container: { securityContext: { privileged: true } } },
      webhook: { a: { port: "12000", endpoint: "/a" } },
    });
    const refused = await waitCondition(`${IMPULSE}/namespaces/${ns}/eventsources/priv`, "Ready", (c) => c.reason === "PodTemplateNotAllowed", "refused template");
    assert.match(condition(refused, "Ready").message, /spec\.template\.container\.securityContext\.privileged.*--allow-privileged-pods/);
    assert.match(condition(refused, "Ready").message, /spec\.template\.hostNetwork/);
    await waitFor("Warning Event", async () => (await events(ns, es.metadata.uid)).some((e) => e.type === "Warning" && e.reason === "PodTemplateNotAllowed"), T);
    assert.equal(await get(`/apis/apps/v1/namespaces/${ns}/deployments/priv-eventsource`), undefined);

    // Fixing the spec deploys it.
    await api("PUT", `${IMPULSE}/namespaces/${ns}/sensors/broken`, { ...(await get(`${IMPULSE}/namespaces/${ns}/sensors/broken`)), spec: { ...spec, triggers: [{ template: { name: "log", log: {} }, retryStrategy: { duration: "2s" } }] } });
    await waitFor("Deployment after the fix", () => get(`/apis/apps/v1/namespaces/${ns}/deployments/broken-sensor`), T);
    assert.equal(controller.proc.exitCode, null);
  });

  it("deleting a resource deletes what the controller made for it (no garbage collector needed)", async () => {
    const ns = await namespaceWithBus("delete");
    await create(ns, "eventsources", "EventSource", "gone", { service: { ports: [{ port: 12000 }] }, webhook: { a: { port: "12000", endpoint: "/a" } } });
    const depPath = `/apis/apps/v1/namespaces/${ns}/deployments/gone-eventsource`;
    await waitFor("Deployment", () => get(depPath), T);
    const esPath = `${IMPULSE}/namespaces/${ns}/eventsources/gone`;
    assert.deepEqual((await get(esPath)).metadata.finalizers, ["impulse.dev/cleanup"]);
    assert.equal((await api("DELETE", esPath)).status, 200);
    await waitFor("EventSource and its objects gone", async () =>
      !(await get(esPath)) && !(await get(depPath)) && !(await get(`/api/v1/namespaces/${ns}/services/gone-eventsource-svc`)) && !(await get(`/api/v1/namespaces/${ns}/serviceaccounts/gone-eventsource`)),
    T);

    assert.equal((await api("DELETE", `${IMPULSE}/namespaces/${ns}/eventbuses/default`)).status, 200);
    await waitFor("EventBus objects gone", async () =>
      !(await get(`/apis/apps/v1/namespaces/${ns}/statefulsets/eventbus-default-js`)) && !(await get(`/api/v1/namespaces/${ns}/secrets/eventbus-default-js-auth`)) && !(await get(`/api/v1/namespaces/${ns}/configmaps/eventbus-default-js-config`)),
    T);
  });

  it("what it deployed runs: NATS from the generated config with token auth, the EventSource and Sensor pods' env end to end", async () => {
    const ns = await kube.newNamespace("e2e");
    await create(ns, "eventbuses", "EventBus", "default", { jetstream: { replicas: 1 } });
    const conf = (await waitFor("nats.conf", () => get(`/api/v1/namespaces/${ns}/configmaps/eventbus-default-js-config`), T)).data["nats.conf"];
    const secret = await waitFor("auth Secret", () => get(`/api/v1/namespaces/${ns}/secrets/eventbus-default-js-auth`), T);
    const secrets = { "eventbus-default-js-auth": { token: Buffer.from(secret.data.token, "base64").toString() } };
    const sts = await waitFor("StatefulSet", () => get(`/apis/apps/v1/namespaces/${ns}/statefulsets/eventbus-default-js`), T);
    await markAvailable(`/apis/apps/v1/namespaces/${ns}/statefulsets/eventbus-default-js`);
    const nats = await startNatsWithConfig(conf, podEnv(sts.spec.template.spec.containers[0], { pod: { name: "eventbus-default-js-0", namespace: ns }, secrets }));
    const procs: CliProcess[] = [];
    try {
      const webhookPort = await freePort();
      await create(ns, "eventsources", "EventSource", "hooks", { webhook: { example: { port: String(webhookPort), endpoint: "/example", method: "POST" } } });
      await create(ns, "sensors", "Sensor", "printer", {
        dependencies: [{ name: "d", eventSourceName: "hooks", eventName: "example" }],
        triggers: [{ template: { name: "print", log: {} } }],
      });
      // Run each Deployment's container as its pod would, with the bus URL pointing at the local server.
      for (const [name, container] of [["hooks-eventsource", "es"], ["printer-sensor", "sensor"]] as const) {
        const dep = await waitFor(`${name} Deployment`, () => get(`/apis/apps/v1/namespaces/${ns}/deployments/${name}`), T);
        const c = dep.spec.template.spec.containers[0];
        const port = await freePort();
        const env = podEnv(c, { pod: { name: `${name}-0`, namespace: ns }, secrets, overrides: { IMPULSE_BUS_URL: nats.url, IMPULSE_METRICS_PORT: String(port), IMPULSE_SECRETS_DIR: "/nonexistent" } });
        assert.ok(env["IMPULSE_BUS_AUTH"], `${container}: the bus token reaches the pod`);
        const p = spawnCli(c.args, env);
        procs.push(p);
        await waitHealthy(p, port);
      }
      const res = await request(`http://127.0.0.1:${webhookPort}/example`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ marker: "from-the-controller" }) });
      await res.body.dump();
      assert.equal(res.statusCode, 200);
      await waitFor("log trigger fired in the sensor process", () => procs[1]!.output().includes("from-the-controller"), T);

      // A wrong token is refused by the generated config: the runtime never becomes healthy.
      const port = await freePort();
      const dep = await get(`/apis/apps/v1/namespaces/${ns}/deployments/printer-sensor`);
      const bad = spawnCli(["sensor"], podEnv(dep.spec.template.spec.containers[0], { pod: { name: "x", namespace: ns }, secrets: { "eventbus-default-js-auth": { token: "wrong" } }, overrides: { IMPULSE_BUS_URL: nats.url, IMPULSE_METRICS_PORT: String(port) } }));
      procs.push(bad);
      await waitFor("authorization refused", () => bad.output().includes("Authorization Violation"), T);
    } finally {
      for (const p of procs) await p.stop();
      await nats.stop();
    }
  });

  it("the example of docs/controller.md: an EventBus and the quickstart become ready workloads", async () => {
    const ns = await kube.newNamespace("docs");
    const files = ["manifests/examples/cluster/eventbus.yaml", "manifests/examples/quickstart/eventsource.yaml", "manifests/examples/quickstart/sensor.yaml"];
    for (const f of files) {
      const doc = parse(readFileSync(join(repoRoot, f), "utf8"));
      const plural = ({ EventBus: "eventbuses", EventSource: "eventsources", Sensor: "sensors" } as Record<string, string>)[doc.kind];
      const r = await api("POST", `${IMPULSE}/namespaces/${ns}/${plural}`, doc);
      assert.equal(r.status, 201, `${f}: ${JSON.stringify(r.json)}`);
    }
    for (const w of ["statefulsets/eventbus-default-js", "deployments/webhook-eventsource", "deployments/webhook-sensor"]) {
      const path = `/apis/apps/v1/namespaces/${ns}/${w}`;
      await waitFor(w, () => get(path), T);
      await markAvailable(path);
    }
    const sts = await get(`/apis/apps/v1/namespaces/${ns}/statefulsets/eventbus-default-js`);
    assert.equal(sts.spec.replicas, 3);
    assert.equal(sts.spec.template.spec.containers[0].image, "nats:2.11-alpine");
    for (const path of ["eventbuses/default", "eventsources/webhook", "sensors/webhook"])
      await waitCondition(`${IMPULSE}/namespaces/${ns}/${path}`, "Ready", (c) => c.status === "True", path);
    const es = await get(`/apis/apps/v1/namespaces/${ns}/deployments/webhook-eventsource`);
    const stream = es.spec.template.spec.containers[0].env.find((e: any) => e.name === "IMPULSE_BUS_STREAM");
    assert.deepEqual(JSON.parse(stream.value), { maxAge: "72h", replicas: 3 });
  });

  it("serves /healthz, /readyz and /metrics, and holds the Lease", async () => {
    for (const path of ["/healthz", "/readyz"]) {
      const r = await request(`http://127.0.0.1:${metricsPort}${path}`);
      assert.equal(r.statusCode, 200, path);
      await r.body.dump();
    }
    const metrics = await (await request(`http://127.0.0.1:${metricsPort}/metrics`)).body.text();
    assert.match(metrics, /impulse_controller_reconcile_total\{kind="EventSource",result="success"\} [1-9]/);
    assert.match(metrics, /impulse_controller_leader 1/);
    const lease = await get("/apis/coordination.k8s.io/v1/namespaces/default/leases/impulse-controller");
    assert.equal(lease.spec.holderIdentity, "controller-0");
  });
  // Last: these stop the controller the other tests use.
  it("a second replica stands by (ready, not leading) and takes over when the leader stops", async () => {
    const port = await freePort();
    const second = startControllerProcess("controller-1", port, LEADER_ELECT);
    try {
      await waitFor("standby ready", async () => (await readyz(port))?.status === 200, 60_000);
      assert.equal((await readyz(port))!.body.leader, false);
      const leasePath = "/apis/coordination.k8s.io/v1/namespaces/default/leases/impulse-controller";
      assert.equal((await get(leasePath)).spec.holderIdentity, "controller-0");
      await controller.stop();
      await waitFor("controller-1 holds the Lease", async () => (await get(leasePath)).spec.holderIdentity === "controller-1", T);
      await waitFor("controller-1 leads", async () => (await readyz(port))?.body.leader === true, T);
      await namespaceWithBus("takeover"); // reconciled by controller-1 alone
    } finally {
      await second.stop();
    }
  });

  it("namespaced mode reconciles only its namespace", async () => {
    const [mine, other] = [await kube.newNamespace("mine"), await kube.newNamespace("other")];
    const port = await freePort();
    const scoped = startControllerProcess("controller-ns", port, ["--namespace", mine]);
    try {
      await waitFor("namespaced controller ready", async () => (await readyz(port))?.status === 200, 60_000);
      for (const ns of [other, mine]) await create(ns, "eventbuses", "EventBus", "default", { jetstreamExotic: { url: "nats://nats.infra:4222" } });
      await waitCondition(`${IMPULSE}/namespaces/${mine}/eventbuses/default`, "Ready", (c) => c.status === "True", "bus in its namespace");
      const untouched = await get(`${IMPULSE}/namespaces/${other}/eventbuses/default`);
      assert.equal(untouched.status, undefined);
      assert.equal(untouched.metadata.finalizers, undefined);
    } finally {
      await scoped.stop();
    }
  });
});
