// The argo CLI as the argoWorkflow trigger's reference: `argo <operation>` and the trigger act on the same input on the
// same kube-apiserver (as the same service account), and the resulting objects must match field by field.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CoreV1Api, CustomObjectsApi, RbacAuthorizationV1Api, type KubeConfig } from "@kubernetes/client-node";
import { ArgoWorkflowTriggerTemplate } from "@impulse/api";
import { triggerDefinitions } from "@impulse/sensor";
import { stringify } from "yaml";
import { argoCliPath, installArgoCrds } from "../../kit/argo.js";
import { startKube, type Kube } from "../../kit/kube.js";
import { testLogger } from "../../kit/log.js";
import { waitFor } from "../../kit/wait.js";

const cli = argoCliPath();
const skip = cli ? false : "the argo CLI is not in the test cache: `bash tools/argo/install.sh --with-cli` builds it (a long Go build, so npm test does not)";

let kube: Kube;
let ns: string;
let sa: { kubeConfig: KubeConfig; kubeconfigPath: string };
let objects: CustomObjectsApi;
let home: string;
const G = { group: "argoproj.io", version: "v1alpha1" };
type Obj = Record<string, any>;

before(async () => {
  if (!cli) return;
  kube = await startKube();
  await installArgoCrds(kube);
  ns = await kube.newNamespace("argo-cli");
  // Both act as the same service account, so the creator label the CLI derives from its token is the same.
  sa = await kube.serviceAccount(ns, "runner", [{ apiGroups: ["argoproj.io"], resources: ["*"], verbs: ["*"] }, { apiGroups: [""], resources: ["pods"], verbs: ["*"] }]);
  await kube.kubeConfig.makeApiClient(RbacAuthorizationV1Api).createClusterRoleBinding({
    body: { metadata: { name: `runner-${ns}` }, roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: "cluster-admin" }, subjects: [{ kind: "ServiceAccount", name: "runner", namespace: ns }] },
  });
  objects = kube.kubeConfig.makeApiClient(CustomObjectsApi);
  home = mkdtempSync(join(tmpdir(), "impulse-argo-cli-"));
});
after(async () => {
  await kube?.stop();
  if (home) rmSync(home, { recursive: true, force: true });
});

/** `argo -n <ns> <args>` as the service account; returns stdout, throws with the CLI's output on failure. */
function argo(args: string[]): string {
  const r = spawnSync(cli!, ["--kubeconfig", sa.kubeconfigPath, "-n", ns, ...args], { encoding: "utf8", timeout: 120_000, env: { PATH: process.env["PATH"] ?? "", HOME: home } });
  if (r.status !== 0) throw new Error(`argo ${args.join(" ")} failed (exit ${r.status}): ${r.stdout}${r.stderr}`);
  return r.stdout;
}

async function fire(template: unknown, key: string): Promise<{ name: string }> {
  const ac = new AbortController();
  const exec = triggerDefinitions.get("argoWorkflow")!.create({ sensorName: "s", sensorNamespace: ns, triggerName: "t", logger: testLogger(), secrets: async () => "", kubeConfig: () => sa.kubeConfig, signal: ac.signal });
  return (await exec.execute({ template: ArgoWorkflowTriggerTemplate.parse(template), payload: undefined, events: {}, idempotencyKey: key, logger: testLogger() }, ac.signal)) as never;
}

const getWf = async (name: string) => (await objects.getNamespacedCustomObject({ ...G, namespace: ns, plural: "workflows", name })) as Obj;
const create = (plural: string, body: Obj) => objects.createNamespacedCustomObject({ ...G, namespace: ns, plural, body: { apiVersion: "argoproj.io/v1alpha1", ...body } });
const replaceWf = async (body: Obj) => {
  await objects.deleteNamespacedCustomObject({ ...G, namespace: ns, plural: "workflows", name: body["metadata"].name }).catch(() => undefined);
  await create("workflows", structuredClone(body));
};
const listNames = async () => ((await objects.listNamespacedCustomObject({ ...G, namespace: ns, plural: "workflows" })) as { items: Obj[] }).items.map((w) => w["metadata"].name as string);

const TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$/;
/**
 * What may differ: the server's bookkeeping (uid, resourceVersion, timestamps), generated names, Impulse's own
 * labels and annotations, and Go's zero values (null, "", {}, []) that the CLI serialises and Impulse leaves out.
 */
function normalise(v: unknown, names: string[] = []): unknown {
  if (typeof v === "string") {
    if (TIME.test(v)) return "<time>";
    return names.reduce((s, n) => s.split(n).join("<name>"), v);
  }
  if (Array.isArray(v)) return v.map((x) => normalise(x, names));
  if (v && typeof v === "object") {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) {
      if (["uid", "resourceVersion", "creationTimestamp", "generation", "managedFields"].includes(k)) continue;
      if (k.startsWith("impulse.dev/")) continue;
      const n = normalise(x, names);
      if (n === null || n === undefined || n === "" || (typeof n === "object" && Object.keys(n as object).length === 0)) continue;
      out[names.reduce((s, m) => s.split(m).join("<name>"), k)] = n;
    }
    return out;
  }
  return v;
}

/** Node ids hash the workflow's name: key nodes and their references by node name instead, so generated names compare. */
function byNodeName(wf: Obj): Obj {
  const nodes = wf["status"]?.nodes as Record<string, Obj> | undefined;
  if (!nodes) return wf;
  const name = (id: string) => (nodes[id] ? `node:${nodes[id]!["name"]}` : id);
  const out = structuredClone(wf);
  out["status"].nodes = Object.fromEntries(
    Object.values(nodes).map((n) => [
      name(n["id"]),
      { ...n, id: name(n["id"]), ...(n["boundaryID"] ? { boundaryID: name(n["boundaryID"]) } : {}), children: (n["children"] ?? []).map(name), outboundNodes: (n["outboundNodes"] ?? []).map(name) },
    ]),
  );
  return out;
}

/**
 * Compares two Workflows the CLI and the trigger produced; names (and node ids derived from them) are masked.
 * `status.storedTemplates` on a new Workflow is left out: the CLI's validation caches the resolved templates there as a
 * side effect, the workflow-controller fills the same cache when it starts the Workflow (docs/deviations.md).
 */
function assertSame(fromCli: Obj, fromImpulse: Obj, what: string, ignoreStoredTemplates = false) {
  const strip = (w: Obj) => {
    const c = byNodeName(w);
    if (ignoreStoredTemplates && c["status"]) {
      delete c["status"].storedTemplates;
      if (Object.keys(c["status"]).length === 0) delete c["status"];
    }
    return c;
  };
  const a = normalise(strip(fromCli), [fromCli["metadata"].name]);
  const b = normalise(strip(fromImpulse), [fromImpulse["metadata"].name]);
  assert.deepEqual(b, a, `${what}: the trigger's object differs from the argo CLI's`);
}

/** Creates with the CLI and the trigger from the same input; returns both new Workflows. */
async function bothCreate(cliArgs: string[], template: Obj, key: string): Promise<[Obj, Obj]> {
  const before = await listNames();
  argo(cliArgs);
  const made = (await listNames()).filter((n) => !before.includes(n));
  assert.equal(made.length, 1, `argo ${cliArgs[0]} created one Workflow`);
  const imp = await fire(template, key);
  return [await getWf(made[0]!), await getWf(imp.name)];
}

/** Runs an update operation with the CLI and then the trigger, each on a fresh copy of `start`; returns both results. */
async function bothUpdate(start: Obj, cliArgs: string[], template: Obj, key: string, pod?: string): Promise<[Obj, Obj]> {
  const core = kube.kubeConfig.makeApiClient(CoreV1Api);
  const run = async (act: () => Promise<unknown>) => {
    await replaceWf(start);
    if (pod) await core.createNamespacedPod({ namespace: ns, body: { metadata: { name: pod }, spec: { containers: [{ name: "main", image: "busybox" }] } } });
    await act();
    if (pod) await waitFor(`pod ${pod} deleted`, async () => !(await core.listNamespacedPod({ namespace: ns })).items.some((p) => p.metadata?.name === pod && !p.metadata.deletionTimestamp));
    return getWf(start["metadata"].name);
  };
  const a = await run(async () => argo(cliArgs));
  if (pod) await core.deleteNamespacedPod({ namespace: ns, name: pod, gracePeriodSeconds: 0 }).catch(() => undefined);
  const b = await run(() => fire(template, key));
  return [a, b];
}

function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s)) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return h;
}

/** A steps Workflow as a controller leaves it: a succeeded, b failed (or, running, b waits at a suspend node). */
function recorded(name: string, phase: "Failed" | "Running"): Obj {
  const id = (n: string) => (n === name ? name : `${name}-${fnv(n)}`);
  const node = (n: string, type: string, p: string, extra: object = {}) => ({ id: id(n), name: n, displayName: n.split(".").pop(), type, phase: p, startedAt: "2026-01-01T00:00:00Z", ...extra });
  const a = node(`${name}[0].a`, "Pod", "Succeeded", { templateName: "echo", boundaryID: name, finishedAt: "2026-01-01T00:00:01Z" });
  const b = phase === "Failed"
    ? node(`${name}[0].b`, "Pod", "Failed", { templateName: "fail", boundaryID: name, message: "exit 1", finishedAt: "2026-01-01T00:00:01Z" })
    : node(`${name}[0].b`, "Suspend", "Running", { templateName: "approve", boundaryID: name, displayName: "approve" });
  const sg = node(`${name}[0]`, "StepGroup", phase, { boundaryID: name, children: [a.id, b.id] });
  const root = node(name, "Steps", phase, { templateName: "main", children: [sg.id], outboundNodes: [a.id, b.id] });
  return {
    kind: "Workflow",
    metadata: { name, labels: { "workflows.argoproj.io/phase": phase, team: "a", ...(phase === "Failed" ? { "workflows.argoproj.io/completed": "true" } : {}) }, annotations: { note: "kept" } },
    spec: {
      entrypoint: "main",
      arguments: { parameters: [{ name: "x", value: "1" }] },
      templates: [
        { name: "main", steps: [[{ name: "a", template: "echo" }, { name: "b", template: phase === "Failed" ? "fail" : "approve" }]] },
        { name: "echo", container: { image: "busybox" } },
        { name: "fail", container: { image: "busybox" } },
        { name: "approve", suspend: {} },
      ],
    },
    status: { phase, startedAt: "2026-01-01T00:00:00Z", ...(phase === "Failed" ? { finishedAt: "2026-01-01T00:00:02Z", message: "child failed" } : {}), nodes: Object.fromEntries([root, sg, a, b].map((x) => [x.id, x])) },
  };
}

const spec = { entrypoint: "main", arguments: { parameters: [{ name: "who", value: "world" }] }, templates: [{ name: "main", inputs: { parameters: [{ name: "who" }] }, container: { image: "busybox", command: ["echo", "{{inputs.parameters.who}}"] } }] };
const named = (name: string) => ({ source: { resource: { apiVersion: "argoproj.io/v1alpha1", kind: "Workflow", metadata: { name } } } });

describe("argoWorkflow trigger against the argo CLI", { skip }, () => {
  it("submit: the same Workflow, with -p, --entrypoint, -l, --serviceaccount, --priority and --generate-name", async () => {
    const wf = { apiVersion: "argoproj.io/v1alpha1", kind: "Workflow", metadata: { generateName: "hello-", labels: { from: "file" } }, spec };
    const file = join(home, "wf.yaml");
    writeFileSync(file, stringify(wf));
    const args = ["-p", "who=impulse", "--entrypoint", "main", "-l", "team=ci", "--serviceaccount", "runner", "--priority", "5", "--generate-name", "greet-"];
    const [a, b] = await bothCreate(["submit", file, ...args], { source: { resource: wf }, args }, "submit");
    assertSame(a, b, "submit");
  });

  it("submit-from: WorkflowTemplate, ClusterWorkflowTemplate and CronWorkflow", async () => {
    await create("workflowtemplates", { kind: "WorkflowTemplate", metadata: { name: "build" }, spec });
    await objects.createClusterCustomObject({ ...G, plural: "clusterworkflowtemplates", body: { apiVersion: "argoproj.io/v1alpha1", kind: "ClusterWorkflowTemplate", metadata: { name: `shared-${ns}` }, spec } });
    await create("cronworkflows", { kind: "CronWorkflow", metadata: { name: "nightly", labels: { team: "a" } }, spec: { schedule: "0 1 * * *", workflowSpec: spec, workflowMetadata: { labels: { env: "prod" }, annotations: { a: "b" } } } });
    const from = (kind: string, name: string, args: string[]) => ({ operation: "submit-from", source: { resource: { apiVersion: "argoproj.io/v1alpha1", kind, metadata: { name } } }, args });
    for (const [kind, short, name, args] of [
      ["WorkflowTemplate", "workflowtemplate", "build", ["-p", "who=tmpl", "-l", "x=y"]],
      ["ClusterWorkflowTemplate", "clusterworkflowtemplate", `shared-${ns}`, ["--entrypoint", "main"]],
      ["CronWorkflow", "cronwf", "nightly", ["--scheduled-time", "2026-01-02T03:04:05Z"]],
    ] as const) {
      const [a, b] = await bothCreate(["submit", "--from", `${short}/${name}`, ...args], from(kind, name, [...args]), `from-${kind}`);
      assertSame(a, b, `submit --from ${short}`, true);
    }
  });

  it("resubmit, plain and memoized", async () => {
    await replaceWf(recorded("old", "Failed"));
    const [a, b] = await bothCreate(["resubmit", "old", "-p", "x=2"], { operation: "resubmit", ...named("old"), args: ["-p", "x=2"] }, "resubmit");
    assertSame(a, b, "resubmit");
    const [c, d] = await bothCreate(["resubmit", "old", "--memoized"], { operation: "resubmit", ...named("old"), args: ["--memoized"] }, "resubmit-memoized");
    assertSame(c, d, "resubmit --memoized");
  });

  it("retry: the same reset nodes and the same pod deleted", async () => {
    const [a, b] = await bothUpdate(recorded("job", "Failed"), ["retry", "job", "-p", "x=3"], { operation: "retry", ...named("job"), args: ["-p", "x=3"] }, "retry", `job-fail-${fnv("job[0].b")}`);
    assertSame(a, b, "retry");
  });

  it("suspend, resume, resume by node selector, stop by node selector, stop and terminate", async () => {
    const running = recorded("run", "Running");
    const suspended = structuredClone(running);
    suspended["spec"].suspend = true;
    const cases: [string, Obj, string[], Obj][] = [
      ["suspend", running, ["suspend", "run"], { operation: "suspend", ...named("run") }],
      ["resume", suspended, ["resume", "run"], { operation: "resume", ...named("run") }],
      ["resume by selector", running, ["resume", "run", "--node-field-selector", "displayName=approve"], { operation: "resume", ...named("run"), args: ["--node-field-selector", "displayName=approve"] }],
      ["stop by selector", running, ["stop", "run", "--node-field-selector", "displayName=approve", "--message", "no"], { operation: "stop", ...named("run"), args: ["--node-field-selector", "displayName=approve", "--message", "no"] }],
      ["stop", running, ["stop", "run"], { operation: "stop", ...named("run") }],
      ["terminate", running, ["terminate", "run"], { operation: "terminate", ...named("run") }],
    ];
    for (const [what, start, cliArgs, template] of cases) {
      const [a, b] = await bothUpdate(start, cliArgs, template, what);
      assertSame(a, b, what);
    }
  });
});
