// The install: kustomize (cluster-wide, namespaced) and the Helm chart (default, namespaced: true) render the same objects, a real apiserver accepts each one, and the RBAC is least privilege.
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { parse } from "yaml";
import { freePort } from "@impulse/bus";
import { request } from "undici";
import { repoRoot, spawnCli } from "../../kit/cli.js";
import { crdDir, installCrds, kubeJson, readCrds } from "../../kit/crds.js";
import { chartDir, helmLint } from "../../kit/helm.js";
import { startKube, type Kube } from "../../kit/kube.js";
import { create, helm, installDir, keyOf, kustomize, type Manifest } from "../../kit/manifests.js";
import { canI, serviceAccountKubeconfig } from "../../kit/rbac.js";
import { waitFor } from "../../kit/wait.js";

const NS = "impulse-system";
let kube: Kube;
let renderings: Record<"kustomize" | "kustomize namespaced" | "helm" | "helm namespaced", Manifest[]>;

before(async () => {
  // Render first: a broken template should fail fast, before the apiserver spends its seconds starting.
  renderings = {
    kustomize: kustomize(installDir),
    "kustomize namespaced": kustomize(join(installDir, "namespaced")),
    helm: helm({ namespace: NS }),
    "helm namespaced": helm({ namespace: NS, set: { namespaced: "true" } }),
  };
  kube = await startKube();
});
after(async () => {
  await kube?.stop();
});

const find = (ms: Manifest[], kind: string, name: string) => ms.find((m) => m.kind === kind && m.metadata.name === name);
const controllerOf = (ms: Manifest[]) => {
  const d = find(ms, "Deployment", "impulse-controller");
  assert.ok(d, "no Deployment impulse-controller");
  return d as Manifest & { spec: { template: { spec: any } } };
};
/** Creates the ServiceAccount and RBAC objects of a rendering for real (once per rendering). */
const created = new Set<Manifest[]>();
async function createRbac(ms: Manifest[]): Promise<void> {
  if (created.has(ms)) return;
  created.add(ms);
  for (const m of ms.filter((m) => /^(ServiceAccount|Role|RoleBinding|ClusterRole|ClusterRoleBinding)$/.test(m.kind)))
    assert.deepEqual(await create(kube, m, { dryRun: false }), { status: 201 }, keyOf(m));
}
/** Rules as a comparable set of "group resource verb" lines. */
const ruleLines = (role: Manifest | undefined) =>
  ((role?.["rules"] as { apiGroups: string[]; resources: string[]; verbs: string[] }[] | undefined) ?? [])
    .flatMap((r) => r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${g || "core"} ${res} ${v}`))))
    .sort();

describe("install manifests", () => {
  it("kustomize and Helm render the same kinds and names, cluster-wide and namespaced", () => {
    for (const [k, h] of [["kustomize", "helm"], ["kustomize namespaced", "helm namespaced"]] as const) {
      // Helm leaves the release namespace to `helm install --create-namespace`; everything else must match.
      const keys = (ms: Manifest[]) => ms.filter((m) => m.kind !== "Namespace").map(keyOf).sort();
      assert.deepEqual(keys(renderings[h]), keys(renderings[k]), `${k} vs ${h}`);
      assert.ok(find(renderings[k], "Namespace", NS), `${k} creates the namespace`);
    }
    for (const [variant, ms] of Object.entries(renderings)) {
      const namespaced = variant.endsWith("namespaced");
      assert.equal(!!find(ms, "ClusterRole", "impulse-controller"), !namespaced, `${variant}: ClusterRole`);
      assert.equal(!!find(ms, "ClusterRoleBinding", "impulse-controller"), !namespaced, `${variant}: ClusterRoleBinding`);
      assert.equal(!!find(ms, "Role", "impulse-controller"), namespaced, `${variant}: Role`);
      assert.equal(!!find(ms, "RoleBinding", "impulse-controller"), namespaced, `${variant}: RoleBinding`);
      const args = controllerOf(ms).spec.template.spec.containers[0].args as string[];
      assert.equal(args.includes("--namespace=$(POD_NAMESPACE)"), namespaced, `${variant}: --namespace only in namespaced mode`);
    }
    // One rule set, four places: the ClusterRole and Role of both renderings.
    const rules = ruleLines(find(renderings.kustomize, "ClusterRole", "impulse-controller"));
    assert.ok(rules.includes("impulse.dev sensors watch"));
    assert.deepEqual(ruleLines(find(renderings.helm, "ClusterRole", "impulse-controller")), rules, "helm ClusterRole");
    assert.deepEqual(ruleLines(find(renderings["kustomize namespaced"], "Role", "impulse-controller")), rules, "kustomize Role");
    assert.deepEqual(ruleLines(find(renderings["helm namespaced"], "Role", "impulse-controller")), rules, "helm Role");
  });

  it("helm lint --strict passes with the default and the namespaced values", () => {
    for (const set of [{}, { namespaced: "true" }] as Record<string, string>[]) assert.match(helmLint(chartDir, set), /1 chart\(s\) linted, 0 chart\(s\) failed/);
  });

  it("ships exactly the committed CRDs (the chart's crds/ links to manifests/crds/)", () => {
    const committed = readCrds();
    assert.equal(committed.length, 3);
    for (const [variant, ms] of Object.entries(renderings))
      assert.deepEqual(ms.filter((m) => m.kind === "CustomResourceDefinition").sort((a, b) => a.metadata.name.localeCompare(b.metadata.name)), committed, variant);
    const listed = (parse(readFileSync(join(crdDir, "kustomization.yaml"), "utf8")) as { resources: string[] }).resources.sort();
    const links = readdirSync(join(chartDir, "crds")).sort();
    assert.deepEqual(links, listed, "the chart's crds/ has one link per file of manifests/crds/kustomization.yaml");
    for (const l of links) assert.equal(readlinkSync(join(chartDir, "crds", l)), `../../../crds/${l}`);
  });

  it("the controller runs non-root, read-only, without capabilities, with probes and resources, from a pinned image", () => {
    for (const [variant, ms] of Object.entries(renderings)) {
      const pod = controllerOf(ms).spec.template.spec;
      const [c] = pod.containers;
      const at = (what: string) => `${variant}: ${what}`;
      assert.equal(pod.containers.length, 1, at("one container"));
      assert.equal(pod.securityContext.runAsNonRoot, true, at("pod runAsNonRoot"));
      assert.equal(pod.securityContext.seccompProfile.type, "RuntimeDefault", at("seccomp"));
      assert.equal(pod.serviceAccountName, "impulse-controller", at("serviceAccountName"));
      assert.equal(c.securityContext.runAsNonRoot, true, at("runAsNonRoot"));
      assert.equal(c.securityContext.readOnlyRootFilesystem, true, at("readOnlyRootFilesystem"));
      assert.equal(c.securityContext.allowPrivilegeEscalation, false, at("allowPrivilegeEscalation"));
      assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"], at("capabilities"));
      assert.equal(c.securityContext.privileged, undefined, at("privileged"));
      assert.equal(c.livenessProbe.httpGet.path, "/healthz", at("liveness"));
      assert.equal(c.readinessProbe.httpGet.path, "/readyz", at("readiness"));
      assert.ok(c.resources.requests.cpu && c.resources.requests.memory && c.resources.limits.memory, at("resources"));
      // The only writable place, where the image points HOME and TMPDIR.
      const tmp = c.volumeMounts.find((v: { mountPath: string }) => v.mountPath === "/tmp");
      assert.ok(tmp && pod.volumes.find((v: { name: string; emptyDir?: unknown }) => v.name === tmp.name && v.emptyDir), at("/tmp emptyDir"));
      assert.match(c.image, /^[^:]+:\d+\.\d+\.\d+$/, at("image pinned to a version"));
      assert.equal(c.env.find((e: { name: string }) => e.name === "IMPULSE_IMAGE").value, c.image, at("pods get the controller's image"));
      assert.deepEqual(c.args.slice(0, 4), ["controller", "--metrics-port=8080", "--leader-elect", "--image=$(IMPULSE_IMAGE)"], at("args"));
      assert.equal(c.ports[0].containerPort, 8080, at("port"));
    }
  });

  it("a NetworkPolicy lets into the controller only its metrics port, and out only DNS and the API server", () => {
    const ports = (rules: { ports: { port: number | string; protocol: string }[] }[]) => rules.flatMap((r) => r.ports.map((p) => `${p.protocol}/${p.port}`)).sort();
    for (const [variant, ms] of Object.entries(renderings)) {
      const np = find(ms, "NetworkPolicy", "impulse-controller") as (Manifest & { spec: any }) | undefined;
      assert.ok(np, `${variant}: NetworkPolicy impulse-controller`);
      const selector = np.spec.podSelector.matchLabels as Record<string, string>;
      const podLabels = (controllerOf(ms).spec.template as unknown as { metadata: { labels: Record<string, string> } }).metadata.labels;
      assert.ok(Object.entries(selector).every(([k, v]) => podLabels[k] === v), `${variant}: selects the controller's pod`);
      assert.equal(selector["app.kubernetes.io/component"], "controller", `${variant}: and not the runtimes' pods of the namespace`);
      assert.deepEqual(np.spec.policyTypes, ["Ingress", "Egress"], `${variant}: both directions default-deny`);
      assert.deepEqual(ports(np.spec.ingress), ["TCP/metrics"], `${variant}: ingress`);
      assert.deepEqual(ports(np.spec.egress), ["TCP/443", "TCP/53", "TCP/6443", "UDP/53"], `${variant}: egress`);
    }
  });

  it("the API server accepts every object (CRDs and namespace created, the rest as a server-side dry run with strict field validation)", async () => {
    await installCrds(kube);
    const ns = find(renderings.kustomize, "Namespace", NS)!;
    assert.deepEqual(await create(kube, ns, { dryRun: false }), { status: 201 });
    const failures: string[] = [];
    let accepted = 0;
    for (const [variant, ms] of Object.entries(renderings)) {
      for (const m of ms) {
        if (m.kind === "CustomResourceDefinition" || m.kind === "Namespace") continue;
        const r = await create(kube, m, { dryRun: true });
        if (r.status === 201) accepted++;
        else failures.push(`${variant} ${keyOf(m)}: HTTP ${r.status} ${r.message}`);
      }
    }
    assert.deepEqual(failures, []);
    assert.ok(accepted >= 4 * 7, `accepted ${accepted}`);
    // Dry run stored nothing.
    const { status } = await kubeJson(kube, "GET", `/apis/apps/v1/namespaces/${NS}/deployments/impulse-controller`);
    assert.equal(status, 404);
  });

  it("the HTTP API (opt-in): kustomize's manifests/install/api and Helm's api.enabled render the same objects in the EventBus's namespace, a hardened Deployment running `impulse api --auth=kube` as a ServiceAccount bound to system:auth-delegator only, and the API server accepts them", async () => {
    const k = kustomize(join(installDir, "api"));
    const h = helm({ namespace: NS, set: { "api.enabled": "true", "api.namespace": "default" } }).filter((m) => m.metadata.labels?.["app.kubernetes.io/component"] === "api");
    assert.deepEqual(h.map(keyOf).sort(), k.map(keyOf).sort());
    assert.deepEqual(k.map(keyOf).sort(), ["ClusterRoleBinding//impulse-api", "Deployment/default/impulse-api", "Service/default/impulse-api", "ServiceAccount/default/impulse-api"]);
    assert.throws(() => helm({ namespace: NS, set: { "api.enabled": "true" } }), /api\.namespace/);
    assert.match(helmLint(chartDir, { "api.enabled": "true", "api.namespace": "default" }), /0 chart\(s\) failed/);
    for (const [variant, ms] of [["kustomize", k], ["helm", h]] as const) {
      const binding = find(ms, "ClusterRoleBinding", "impulse-api") as Manifest & { roleRef: { name: string }; subjects: { name: string; namespace: string }[] };
      assert.equal(binding.roleRef.name, "system:auth-delegator", variant);
      assert.deepEqual(binding.subjects.map((s) => `${s.namespace}/${s.name}`), ["default/impulse-api"], variant);
      const pod = (find(ms, "Deployment", "impulse-api") as Manifest & { spec: { template: { spec: any } } }).spec.template.spec;
      const [c] = pod.containers;
      assert.equal(pod.serviceAccountName, "impulse-api", variant);
      assert.deepEqual(c.args.slice(0, 4), ["api", "--listen-address=0.0.0.0", "--port=8090", "--auth=kube"], variant);
      assert.equal(c.env.find((e: { name: string }) => e.name === "IMPULSE_BUS_URL").value, "nats://eventbus-default-js:4222", variant);
      assert.equal(c.securityContext.readOnlyRootFilesystem, true, variant);
      assert.deepEqual(c.securityContext.capabilities.drop, ["ALL"], variant);
      assert.equal(c.readinessProbe.httpGet.path, "/readyz", variant);
      for (const m of ms) {
        const r = await create(kube, m, { dryRun: true });
        assert.ok(r.status < 300, `${variant} ${keyOf(m)}: ${r.message}`);
      }
    }
  });

  it("strict validation is not vacuous: a misspelt field in the Deployment is refused", async () => {
    const d = structuredClone(controllerOf(renderings.kustomize));
    d.spec.template.spec.containers[0].securityContext.readOnlyRootFilesytem = true;
    const r = await create(kube, d, { dryRun: true });
    assert.ok(r.status >= 400, `HTTP ${r.status}`);
    assert.match(r.message ?? "", /readOnlyRootFilesytem/);
  });

  it("cluster mode: the controller may do its work in every namespace, and no more", async () => {
    await createRbac(renderings.kustomize);
    const can = canI(kube, NS, "impulse-controller");
    await waitFor("RBAC bindings visible", () => can("list", "impulse.dev", "sensors", ""), 10_000);
    const expectations: [boolean, string, string, string, string][] = [
      [true, "watch", "impulse.dev", "eventsources", ""],
      [true, "patch", "impulse.dev", "eventbuses/status", "team-a"],
      [true, "create", "apps", "deployments", "team-a"],
      [true, "patch", "apps", "statefulsets", "team-a"],
      [true, "delete", "", "services", "team-a"],
      [true, "create", "", "secrets", "team-a"],
      [true, "create", "", "events", "team-a"],
      [true, "update", "coordination.k8s.io", "leases", NS],
      [false, "update", "coordination.k8s.io", "leases", "team-a"],
      [false, "update", "", "secrets", "team-a"],
      [false, "watch", "", "secrets", ""],
      [false, "create", "", "pods", "team-a"],
      [false, "create", "", "pods/exec", "team-a"],
      [false, "list", "", "nodes", ""],
      [false, "create", "rbac.authorization.k8s.io", "clusterroles", ""],
      [false, "create", "rbac.authorization.k8s.io", "rolebindings", "team-a"],
      [false, "delete", "apiextensions.k8s.io", "customresourcedefinitions", ""],
      [false, "delete", "", "namespaces", ""],
    ];
    for (const [want, ...attrs] of expectations) assert.equal(await can(...attrs), want, `${attrs.join(" ")}`);
  });

  it("namespaced mode: the controller has rights in its own namespace only", async () => {
    const ns = await kube.newNamespace("impulse-ns");
    await createRbac(helm({ namespace: ns, set: { namespaced: "true" } }));
    const can = canI(kube, ns, "impulse-controller");
    await waitFor("RBAC bindings visible", () => can("list", "impulse.dev", "sensors", ns), 10_000);
    assert.equal(await can("create", "apps", "deployments", ns), true);
    assert.equal(await can("update", "coordination.k8s.io", "leases", ns), true);
    assert.equal(await can("create", "", "events", ns), true);
    assert.equal(await can("list", "impulse.dev", "sensors", ""), false, "all namespaces");
    assert.equal(await can("list", "impulse.dev", "sensors", "team-a"), false, "another namespace");
    assert.equal(await can("create", "apps", "deployments", "team-a"), false, "another namespace");
    assert.equal(await can("create", "", "pods", ns), false, "pods");
  });

  it("an overlay changes the image of the controller and of the pods it runs together (the recipe in docs/install.md)", () => {
    const doc = readFileSync(join(repoRoot, "docs", "install.md"), "utf8");
    const block = [...doc.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!).find((b) => b.includes("replacements:"));
    assert.ok(block, "docs/install.md has an overlay with replacements");
    const dir = mkdtempSync(join(tmpdir(), "impulse-overlay-"));
    try {
      // The docs point at the repository; the test at this checkout (kustomize wants a relative path).
      const overlay = block.replace(/^(\s*- ).*manifests\/install.*$/m, `$1${relative(dir, installDir)}`);
      assert.notEqual(overlay, block, "the overlay's resources entry names manifests/install");
      writeFileSync(join(dir, "kustomization.yaml"), overlay);
      const c = controllerOf(kustomize(dir)).spec.template.spec.containers[0];
      const want = (parse(overlay) as { images: { newName: string; newTag: string }[] }).images[0]!;
      assert.equal(c.image, `${want.newName}:${want.newTag}`);
      assert.equal(c.env.find((e: { name: string }) => e.name === "IMPULSE_IMAGE").value, c.image);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("the controller, as the install's ServiceAccount and ClusterRole, reconciles an EventBus, EventSource and Sensor and cleans up", async () => {
    await createRbac(renderings.kustomize);
    const kubeconfig = await serviceAccountKubeconfig(kube, NS, "impulse-controller");
    const port = await freePort();
    const image = controllerOf(renderings.kustomize).spec.template.spec.containers[0].image as string;
    const controller = spawnCli(["controller", "--kubeconfig", kubeconfig, `--metrics-port=${port}`, "--leader-elect", `--image=${image}`], {
      POD_NAMESPACE: NS,
      POD_NAME: "impulse-controller-0",
    });
    try {
      await waitFor("controller /readyz", async () => {
        if (controller.proc.exitCode !== null) throw new Error(`controller exited:\n${controller.output()}`);
        const r = await request(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
        await r?.body.dump();
        return r?.statusCode === 200;
      }, 30_000);
      const ns = await kube.newNamespace("impulse-e2e");
      const crs = `/apis/impulse.dev/v1alpha1/namespaces/${ns}`;
      const post = async (plural: string, body: unknown) => assert.equal((await kubeJson(kube, "POST", `${crs}/${plural}`, body)).status, 201, plural);
      await post("eventbuses", { apiVersion: "impulse.dev/v1alpha1", kind: "EventBus", metadata: { name: "default" }, spec: { jetstream: {} } });
      for (const [file, plural] of [["eventsource.yaml", "eventsources"], ["sensor.yaml", "sensors"]] as const)
        await post(plural, parse(readFileSync(join(repoRoot, "manifests", "examples", "quickstart", file), "utf8")));
      const names = async (path: string) => ((await kubeJson(kube, "GET", path)).json?.items ?? []).map((o: Manifest) => o.metadata.name).sort();
      await waitFor("NATS StatefulSet and both Deployments", async () => (await names(`/apis/apps/v1/namespaces/${ns}/statefulsets`)).length === 1 && (await names(`/apis/apps/v1/namespaces/${ns}/deployments`)).length === 2, 60_000);
      const es = (await kubeJson(kube, "GET", `${crs}/eventsources/webhook`)).json;
      assert.ok(es.metadata.finalizers?.includes("impulse.dev/cleanup"), "finalizer patched in");
      await waitFor("EventSource status", async () => (await kubeJson(kube, "GET", `${crs}/eventsources/webhook`)).json?.status?.conditions?.length > 0, 30_000);
      const events = (await kubeJson(kube, "GET", `/api/v1/namespaces/${ns}/events`)).json.items as { reason: string; involvedObject: { kind: string } }[];
      assert.ok(events.some((e) => e.reason === "Created" && e.involvedObject.kind === "EventSource"), "Events recorded");

      const before = await names(`/apis/apps/v1/namespaces/${ns}/deployments`);
      assert.equal((await kubeJson(kube, "DELETE", `${crs}/sensors/webhook`)).status, 200);
      await waitFor("Sensor finalized", async () => (await kubeJson(kube, "GET", `${crs}/sensors/webhook`)).status === 404, 30_000);
      const after = await names(`/apis/apps/v1/namespaces/${ns}/deployments`);
      assert.equal(after.length, before.length - 1, `its Deployment deleted: ${before} -> ${after}`);
      assert.doesNotMatch(controller.output(), /forbidden|\b403\b/i, "no request was refused");
    } finally {
      assert.equal(await controller.stop(), 0, controller.output());
    }
  });
});
