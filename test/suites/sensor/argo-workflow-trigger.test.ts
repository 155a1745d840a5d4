// The argoWorkflow trigger against a real kube-apiserver with Argo Workflows' own CRDs (no workflow-controller: the
// operations the controller carries out are checked on the fields the CLI writes), plus the example end to end.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { after, before, describe, it } from "node:test";
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import type { NatsServer } from "@impulse/bus";
import { ArgoWorkflowTriggerTemplate, ErrorCodes, type Sensor } from "@impulse/api";
import { triggerDefinitions } from "@impulse/sensor";
import { parse } from "yaml";
import { installArgoCrds } from "../../kit/argo.js";
import { repoRoot } from "../../kit/cli.js";
import { startKube, type Kube } from "../../kit/kube.js";
import { startNats } from "../../kit/nats.js";
import { metricValue, startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { waitFor } from "../../kit/wait.js";
import { testLogger } from "../../kit/log.js";

let kube: Kube;
let nats: NatsServer;
let objects: CustomObjectsApi;
const started: Started[] = [];
const G = { group: "argoproj.io", version: "v1alpha1" };

before(async () => {
  [kube, nats] = await Promise.all([startKube(), startNats()]);
  await installArgoCrds(kube);
  objects = kube.kubeConfig.makeApiClient(CustomObjectsApi);
});
after(async () => {
  for (const s of started.reverse()) await s.stop();
  await nats?.stop();
  await kube?.stop();
});

type Obj = { metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string>; ownerReferences?: { kind: string; name: string }[] }; spec: any; status?: any };

/** Runs one firing of an argoWorkflow template in namespace `ns` (the trigger as the sensor runs it, without the bus). */
async function fire(ns: string, template: unknown, key = "k1", policy?: object, kubeConfig = kube.kubeConfig): Promise<{ action: string; name: string; namespace: string; policy?: { satisfied: boolean; missing: string[] } }> {
  const ac = new AbortController();
  const def = triggerDefinitions.get("argoWorkflow")!;
  const exec = def.create({ sensorName: "s", sensorNamespace: ns, triggerName: "t", logger: testLogger(), secrets: async () => "", kubeConfig: () => kubeConfig, signal: ac.signal, ...(policy ? { policy } : {}) });
  const out = await exec.execute({ template: ArgoWorkflowTriggerTemplate.parse(template), payload: undefined, events: {}, idempotencyKey: key, logger: testLogger() }, ac.signal);
  def.applyPolicy(out, policy as never);
  return out as never;
}

const list = async (ns: string, plural = "workflows") => ((await objects.listNamespacedCustomObject({ ...G, namespace: ns, plural })) as { items: Obj[] }).items;
const get = async (ns: string, name: string) => (await objects.getNamespacedCustomObject({ ...G, namespace: ns, plural: "workflows", name })) as Obj;
const put = (ns: string, plural: string, body: object) => objects.createNamespacedCustomObject({ ...G, namespace: ns, plural, body: { apiVersion: "argoproj.io/v1alpha1", ...body } });
const named = (name: string) => ({ source: { resource: { apiVersion: "argoproj.io/v1alpha1", kind: "Workflow", metadata: { name } } } });

const hello = {
  apiVersion: "argoproj.io/v1alpha1",
  kind: "Workflow",
  metadata: { generateName: "hello-" },
  spec: { entrypoint: "main", arguments: { parameters: [{ name: "who", value: "world" }] }, templates: [{ name: "main", container: { image: "busybox", command: ["echo"] } }] },
};

/** A steps workflow as the controller leaves it: step a succeeded, b failed, or (running) b waits at a suspend node. */
function recorded(name: string, phase: "Failed" | "Running") {
  const id = (n: string) => (n === name ? name : `${name}-${fnv(n)}`);
  const node = (n: string, type: string, p: string, extra: object = {}) => ({ id: id(n), name: n, displayName: n.split(".").pop(), type, phase: p, startedAt: "2026-01-01T00:00:00Z", ...extra });
  const a = node(`${name}[0].a`, "Pod", "Succeeded", { templateName: "echo", boundaryID: name });
  const b = phase === "Failed" ? node(`${name}[0].b`, "Pod", "Failed", { templateName: "fail", boundaryID: name, message: "exit 1" }) : node(`${name}[0].b`, "Suspend", "Running", { templateName: "approve", boundaryID: name });
  const sg = node(`${name}[0]`, "StepGroup", phase, { boundaryID: name, children: [a.id, b.id] });
  const root = node(name, "Steps", phase, { templateName: "main", children: [sg.id] });
  return {
    kind: "Workflow",
    metadata: { name, labels: { "workflows.argoproj.io/phase": phase, ...(phase === "Failed" ? { "workflows.argoproj.io/completed": "true" } : {}) } },
    spec: { entrypoint: "main", templates: [{ name: "main", steps: [[{ name: "a", template: "echo" }, { name: "b", template: "fail" }]] }, { name: "echo", container: { image: "busybox" } }, { name: "fail", container: { image: "busybox" } }, { name: "approve", suspend: {} }] },
    status: { phase, startedAt: "2026-01-01T00:00:00Z", nodes: Object.fromEntries([root, sg, a, b].map((x) => [x.id, x])) },
  };
}
function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

describe("argoWorkflow trigger", () => {
  it("submits a Workflow with parameters and args applied and Impulse's labels, once per firing", async () => {
    const ns = await kube.newNamespace("submit");
    const t = { source: { resource: hello }, args: ["-p", "who=impulse", "--entrypoint", "main", "-l", "team=ci"] };
    const first = await fire(ns, t, "key-1");
    assert.equal(first.action, "submitted");
    assert.equal((await fire(ns, t, "key-1")).action, "found-existing", "a redelivered firing finds its Workflow");
    const wfs = await list(ns);
    assert.equal(wfs.length, 1);
    const wf = wfs[0]!;
    assert.match(wf.metadata.name, /^hello-[a-z0-9]{5}$/);
    assert.deepEqual(wf.spec.arguments.parameters, [{ name: "who", value: "impulse" }]);
    assert.equal(wf.metadata.labels!["team"], "ci");
    assert.equal(wf.metadata.labels!["impulse.dev/sensor"], "s");
    assert.equal(wf.metadata.labels!["impulse.dev/trigger"], "t");
    assert.equal(wf.metadata.labels!["impulse.dev/idempotency-key"], "key-1");
    assert.equal((await fire(ns, t, "key-2")).action, "submitted");
    assert.equal((await list(ns)).length, 2);
  });

  it("submits from a WorkflowTemplate, a ClusterWorkflowTemplate and a CronWorkflow as `argo submit --from` does", async () => {
    const ns = await kube.newNamespace("from");
    const spec = { entrypoint: "main", templates: [{ name: "main", container: { image: "busybox" } }] };
    await put(ns, "workflowtemplates", { kind: "WorkflowTemplate", metadata: { name: "build" }, spec });
    await objects.createClusterCustomObject({ ...G, plural: "clusterworkflowtemplates", body: { apiVersion: "argoproj.io/v1alpha1", kind: "ClusterWorkflowTemplate", metadata: { name: `shared-${ns}` }, spec } });
    await put(ns, "cronworkflows", { kind: "CronWorkflow", metadata: { name: "nightly" }, spec: { schedule: "0 1 * * *", workflowSpec: spec, workflowMetadata: { labels: { env: "prod" } } } });
    const from = (kind: string, name: string, args: string[] = []) => ({ operation: "submit-from", source: { resource: { apiVersion: "argoproj.io/v1alpha1", kind, metadata: { name } } }, args });

    const w = await get(ns, (await fire(ns, from("WorkflowTemplate", "build", ["-p", "x=1"]), "a")).name);
    assert.deepEqual(w.spec, { workflowTemplateRef: { name: "build" }, arguments: { parameters: [{ name: "x", value: "1" }] } });
    assert.equal(w.metadata.labels!["workflows.argoproj.io/workflow-template"], "build");
    assert.equal(w.metadata.labels!["impulse.dev/trigger"], "t");

    const c = await get(ns, (await fire(ns, from("ClusterWorkflowTemplate", `shared-${ns}`), "b")).name);
    assert.deepEqual(c.spec, { workflowTemplateRef: { name: `shared-${ns}`, clusterScope: true } });
    assert.equal(c.metadata.labels!["workflows.argoproj.io/cluster-workflow-template"], `shared-${ns}`);

    const r = await get(ns, (await fire(ns, from("CronWorkflow", "nightly", ["--scheduled-time", "2026-01-02T03:04:05Z"]), "c")).name);
    assert.match(r.metadata.name, /^nightly-/);
    assert.deepEqual(r.spec, spec);
    assert.equal(r.metadata.labels!["workflows.argoproj.io/cron-workflow"], "nightly");
    assert.equal(r.metadata.labels!["env"], "prod");
    assert.equal(r.metadata.annotations!["workflows.argoproj.io/scheduled-time"], "2026-01-02T03:04:05Z");
    assert.deepEqual(r.metadata.ownerReferences!.map((o) => `${o.kind}/${o.name}`), ["CronWorkflow/nightly"]);

    await assert.rejects(fire(ns, from("WorkflowTemplate", "missing"), "d"), /404/);
    await assert.rejects(fire(ns, from("ConfigMap", "x"), "e"), (e: Error & { code?: string }) => e.code === ErrorCodes.InvalidSpec);
  });

  it("resubmits a finished Workflow as a new one, memoized too, once per firing", async () => {
    const ns = await kube.newNamespace("resubmit");
    await put(ns, "workflows", recorded("old", "Failed"));
    const r = await fire(ns, { operation: "resubmit", ...named("old"), args: ["-p", "x=2"] }, "r1");
    assert.equal(r.action, "resubmitted");
    assert.equal((await fire(ns, { operation: "resubmit", ...named("old") }, "r1")).action, "found-existing");
    const wf = await get(ns, r.name);
    assert.match(wf.metadata.name, /^old-[a-z0-9]{5}$/);
    assert.equal(wf.metadata.labels!["workflows.argoproj.io/resubmitted-from-workflow"], "old");
    assert.equal(wf.metadata.labels!["workflows.argoproj.io/completed"], undefined);
    assert.deepEqual(wf.spec.arguments.parameters, [{ name: "x", value: "2" }]);
    assert.equal(wf.status, undefined);

    const m = await get(ns, (await fire(ns, { operation: "resubmit", ...named("old"), args: ["--memoized"] }, "r2")).name);
    const phases = Object.fromEntries(Object.values(m.status.nodes as Record<string, { displayName: string; phase: string }>).map((n) => [n.displayName, n.phase]));
    assert.equal(phases["a"], "Skipped");
    assert.equal(phases["b"], "Pending");
    assert.equal((await fire(ns, { operation: "resubmit", ...named("old"), args: ["--memoized"] }, "r2")).action, "found-existing");
  });

  it("retries a failed Workflow: resets the failed branch, deletes its pod, and does it once per firing", async () => {
    const ns = await kube.newNamespace("retry");
    await put(ns, "workflows", recorded("job", "Failed"));
    const core = kube.kubeConfig.makeApiClient(CoreV1Api);
    const pod = `job-fail-${fnv("job[0].b")}`;
    await core.createNamespacedPod({ namespace: ns, body: { metadata: { name: pod }, spec: { containers: [{ name: "main", image: "busybox" }] } } });
    assert.equal((await fire(ns, { operation: "retry", ...named("job") }, "x")).action, "retried");
    const wf = await get(ns, "job");
    assert.equal(wf.status.phase, "Running");
    assert.equal(wf.metadata.labels!["workflows.argoproj.io/phase"], "Running");
    assert.equal(wf.metadata.labels!["workflows.argoproj.io/completed"], undefined);
    const nodes = Object.values(wf.status.nodes as Record<string, { displayName: string; phase: string }>).map((n) => `${n.displayName}:${n.phase}`).sort();
    assert.deepEqual(nodes, ["a:Succeeded", "job:Running", "job[0]:Running"]);
    await waitFor("failed pod deleted", async () => (await core.listNamespacedPod({ namespace: ns })).items.length === 0);
    assert.equal((await fire(ns, { operation: "retry", ...named("job") }, "x")).action, "already-done");
    await assert.rejects(fire(ns, { operation: "retry", ...named("job") }, "y"), /cannot retry workflow job in phase Running/);
  });

  it("suspends, resumes, stops and terminates a running Workflow on the fields the CLI writes", async () => {
    const ns = await kube.newNamespace("lifecycle");
    await put(ns, "workflows", recorded("run", "Running"));
    assert.equal((await fire(ns, { operation: "suspend", ...named("run") }, "1")).action, "suspended");
    assert.equal((await get(ns, "run")).spec.suspend, true);
    assert.equal((await fire(ns, { operation: "resume", ...named("run") }, "2")).action, "resumed");
    let wf = await get(ns, "run");
    assert.equal(wf.spec.suspend, undefined);
    const approve = Object.values(wf.status.nodes as Record<string, { displayName: string; phase: string; finishedAt?: string }>).find((n) => n.displayName === "b")!;
    assert.equal(approve.phase, "Succeeded");
    assert.ok(approve.finishedAt);
    assert.equal((await fire(ns, { operation: "resume", ...named("run") }, "2")).action, "already-done", "a redelivered resume changes nothing");
    await assert.rejects(fire(ns, { operation: "resume", ...named("run"), args: ["--node-field-selector", "displayName=b"] }, "3"), /no suspended node/);

    assert.equal((await fire(ns, { operation: "stop", ...named("run") }, "4")).action, "stopped");
    assert.equal((await get(ns, "run")).spec.shutdown, "Stop");
    assert.equal((await fire(ns, { operation: "terminate", ...named("run") }, "5")).action, "terminated");
    wf = await get(ns, "run");
    assert.equal(wf.spec.shutdown, "Terminate");
    assert.equal((await fire(ns, { operation: "terminate", ...named("run") }, "6")).action, "already-done");

    // Node status the controller compressed (gzip + base64, as Argo does for large Workflows) is read and resumed too.
    const zipped = recorded("zipped", "Running");
    const { nodes, ...rest } = zipped.status;
    await put(ns, "workflows", { ...zipped, status: { ...rest, compressedNodes: gzipSync(JSON.stringify(nodes)).toString("base64") } });
    assert.equal((await fire(ns, { operation: "resume", ...named("zipped") }, "z")).action, "resumed");
    const unzipped = (await get(ns, "zipped")).status;
    assert.equal(unzipped.compressedNodes, undefined);
    assert.equal(Object.values(unzipped.nodes as Record<string, { displayName: string; phase: string }>).find((n) => n.displayName === "b")!.phase, "Succeeded");

    await put(ns, "workflows", recorded("done", "Failed"));
    await assert.rejects(fire(ns, { operation: "terminate", ...named("done") }, "7"), /has completed/);
    await assert.rejects(fire(ns, { operation: "suspend", ...named("done") }, "8"), /has completed/);
    await assert.rejects(fire(ns, { operation: "suspend", ...named("missing") }, "9"), /404/);
  });

  it("policy.k8s waits for labels on the Workflow and fails the firing when they do not come, with errorOnBackoffTimeout", async () => {
    const ns = await kube.newNamespace("policy");
    const t = { source: { resource: hello }, args: ["-l", "team=ci"] };
    assert.deepEqual((await fire(ns, t, "p1", { k8s: { labels: { team: "ci" } } })).policy, { satisfied: true, missing: [] });
    await assert.rejects(
      fire(ns, t, "p2", { k8s: { labels: { "workflows.argoproj.io/phase": "Succeeded" }, backoff: { steps: 2, duration: "10ms" }, errorOnBackoffTimeout: true } }),
      (e: Error & { code?: string }) => e.code === ErrorCodes.TriggerPolicyViolated && /did not get label\(s\) workflows.argoproj.io\/phase/.test(e.message),
    );
  });

  it("works with the Role docs/triggers/argo-workflow.md gives the example's sensor, and labels the creator as the CLI does", async () => {
    const ns = await kube.newNamespace("rbac");
    const sa = await kube.serviceAccount(ns, "build-sensor", [{ apiGroups: ["argoproj.io"], resources: ["workflows"], verbs: ["create", "list", "get", "patch"] }]);
    const made = await fire(ns, { source: { resource: hello } }, "r1", undefined, sa.kubeConfig);
    const wf = await get(ns, made.name);
    assert.equal(wf.metadata.labels!["workflows.argoproj.io/creator"], `system-serviceaccount-${ns}-build-sensor`);
    assert.equal((await fire(ns, { operation: "terminate", ...named(made.name) }, "r2", undefined, sa.kubeConfig)).action, "terminated");
    await assert.rejects(fire(ns, { operation: "suspend", ...named(made.name) }, "r3", undefined, sa.kubeConfig), /403/);
  });

  it("runs the argo-workflow example: a build request submits a Workflow, a cancel request terminates it", async () => {
    const ns = await kube.newNamespace("example");
    const yaml = readFileSync(join(repoRoot, "manifests/examples/argo-workflow/sensor.yaml"), "utf8");
    const resource = parse(yaml) as Sensor;
    // The kit's webhook is "hooks"/"e"; in a cluster the Sensor also carries its namespace.
    for (const d of resource.spec.dependencies) Object.assign(d, { eventSourceName: "hooks", eventName: "e" });
    resource.metadata = { ...resource.metadata, namespace: ns };
    const hook = await startWebhook(nats.url, ns, "hooks", "e");
    started.push(hook);
    const s = await startSensor(nats.url, ns, resource, { kubeConfig: kube.kubeConfig });
    started.push(s);
    await hook.send({ action: "build", repo: "shop", commit: "4f2a9c1" });
    const wf = await waitFor("build Workflow", async () => (await list(ns))[0], 30_000);
    assert.match(wf.metadata.name, /^build-/);
    assert.deepEqual(wf.spec.arguments.parameters, [{ name: "repo", value: "shop" }, { name: "commit", value: "4f2a9c1" }]);
    assert.equal(wf.spec.entrypoint, "build");
    assert.equal(wf.metadata.labels!["app"], "shop");
    assert.equal(wf.metadata.labels!["impulse.dev/sensor"], "build-on-push");
    await hook.send({ action: "cancel", workflow: wf.metadata.name });
    await waitFor("Workflow terminated", async () => (await get(ns, wf.metadata.name)).spec.shutdown === "Terminate", 30_000);
    await waitFor("both firings counted", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 2);
  });
});
