// git sources end to end: webhook → JetStream → Sensor → k8s and argoWorkflow triggers whose objects come from a real
// git server (git http-backend over HTTPS with basic auth; Debian's sshd), against a real kube-apiserver with Argo's CRDs.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import type { NatsServer } from "@impulse/bus";
import type { Sensor } from "@impulse/api";
import { pino } from "pino";
import { parse } from "yaml";
import { serverCerts, type ServerCerts } from "../../kit/certs.js";
import { repoRoot } from "../../kit/cli.js";
import { adaptExample } from "../../kit/examples.js";
import { installArgoCrds } from "../../kit/argo.js";
import { createRepo, type TestRepo } from "../../kit/git-repo.js";
import { startGitHttp, type GitHttpServer } from "../../kit/git-http.js";
import { startKube, type Kube } from "../../kit/kube.js";
import { startNats } from "../../kit/nats.js";
import { sensor } from "../../kit/resources.js";
import { metricValue, startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { sshdMissing, startSshd, type Sshd } from "../../kit/sshd.js";
import { waitFor } from "../../kit/wait.js";

let kube: Kube;
let nats: NatsServer;
let repo: TestRepo;
let https: GitHttpServer;
let sshd: Sshd | undefined;
const started: Started[] = [];
const secrets: Record<string, string> = {};

before(async () => {
  [kube, nats] = await Promise.all([startKube(), startNats()]);
  await installArgoCrds(kube);
  repo = createRepo();
  repo.commit("main", {
    "cm.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-git\ndata:\n  stage: main\n",
    "wf.yaml": "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  generateName: hello-\nspec:\n  entrypoint: main\n  templates:\n    - name: main\n      container:\n        image: busybox\n",
  });
  https = await startGitHttp({ root: repo.root, tls: true, auth: { user: "ci", password: "token-1" } });
  if (!sshdMissing()) sshd = await startSshd();
  Object.assign(secrets, { "git/username": "ci", "git/password": "token-1", "git/ca": https.certs!.ca, ...(sshd ? { "ssh/key": sshd.clientKey, "ssh/known": sshd.knownHosts } : {}) });
});
after(async () => {
  for (const s of started.reverse()) await s.stop();
  await https?.stop();
  await sshd?.stop();
  repo?.remove();
  await nats?.stop();
  await kube?.stop();
});

async function pipeline(ns: string, triggers: unknown[]) {
  const lines: { msg: string; err?: { message?: string } | string }[] = [];
  const logger = pino({ level: "info" }, new Writable({ write: (c: Buffer, _e, cb) => (lines.push(...c.toString().split("\n").filter(Boolean).map((l) => JSON.parse(l))), cb()) }));
  const hook = await startWebhook(nats.url, ns, "hooks", "e");
  started.push(hook);
  const s = await startSensor(nats.url, ns, sensor("from-git", { dependencies: [{ name: "d", eventSourceName: "hooks", eventName: "e" }], triggers }, ns), {
    kubeConfig: kube.kubeConfig,
    logger,
    secrets: async (ref) => secrets[`${ref.name}/${ref.key}`] ?? Promise.reject(new Error(`no secret ${ref.name}/${ref.key}`)),
  });
  started.push(s);
  return { send: hook.send, sensor: s, lines };
}

const httpsGit = (filePath: string) => ({
  url: `${https.url}/${repo.name}`,
  filePath,
  creds: { username: { name: "git", key: "username" }, password: { name: "git", key: "password" } },
  caCertSecret: { name: "git", key: "ca" },
});

describe("git sources through the Sensor", () => {
  it("creates a ConfigMap read from git over https, with parameters applied", async () => {
    const ns = await kube.newNamespace("git-k8s");
    const { send, sensor: s } = await pipeline(ns, [
      { template: { name: "cm", k8s: { source: { git: httpsGit("cm.yaml") }, parameters: [{ src: { dependencyName: "d", dataKey: "body.id" }, dest: "data.id" }] } } },
    ]);
    await send({ id: "42" });
    await waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    const cm = await kube.kubeConfig.makeApiClient(CoreV1Api).readNamespacedConfigMap({ namespace: ns, name: "from-git" });
    assert.deepEqual(cm.data, { stage: "main", id: "42" });
    assert.equal(cm.metadata?.labels?.["impulse.dev/trigger"], "cm");
  });

  it("submits a Workflow read from git over ssh", { skip: sshdMissing() }, async () => {
    const ns = await kube.newNamespace("git-argo");
    const git = { url: sshd!.url(`${repo.root}/${repo.name}`), filePath: "wf.yaml", branch: "main", sshKeySecret: { name: "ssh", key: "key" }, knownHostsSecret: { name: "ssh", key: "known" } };
    const { send, sensor: s } = await pipeline(ns, [{ template: { name: "wf", argoWorkflow: { source: { git } } } }]);
    await send({});
    await waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    const wfs = (await kube.kubeConfig.makeApiClient(CustomObjectsApi).listNamespacedCustomObject({ group: "argoproj.io", version: "v1alpha1", namespace: ns, plural: "workflows" })) as { items: { metadata: { name: string } }[] };
    assert.equal(wfs.items.length, 1);
    assert.match(wfs.items[0]!.metadata.name, /^hello-/);
  });

  it("runs the trigger-sources example: a Job from git over ssh, a Workflow from an HTTPS URL, a ConfigMap from a file", { skip: sshdMissing() }, async () => {
    const ns = await kube.newNamespace("example");
    const dir = mkdtempSync(join(tmpdir(), "impulse-sources-example-"));
    const certs: ServerCerts = serverCerts();
    const job = "apiVersion: batch/v1\nkind: Job\nmetadata:\n  generateName: report-\nspec:\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n        - name: report\n          image: busybox:1.36\n          args: [placeholder]\n";
    repo.tag("v3", repo.commit("main", { "jobs/report.yaml": job }, "report job"));
    const wf = "apiVersion: argoproj.io/v1alpha1\nkind: Workflow\nmetadata:\n  generateName: report-\nspec:\n  entrypoint: main\n  arguments:\n    parameters:\n      - name: report\n        value: none\n  templates:\n    - name: main\n      container:\n        image: busybox\n";
    const web: Server = createServer({ cert: certs.cert, key: certs.key }, (req, res) => (req.url === "/workflows/report.yaml" ? res.writeHead(200).end(wf) : res.writeHead(404).end()));
    await new Promise<void>((r) => web.listen(0, "127.0.0.1", r));
    writeFileSync(join(dir, "last-report.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: last-report\ndata:\n  report: none\n");
    try {
      adaptExample(join(repoRoot, "manifests/examples/trigger-sources/sensor.yaml"), join(dir, "sensor.yaml"), [
        ["ssh://git@git.example.com/ops/report-jobs.git", sshd!.url(`${repo.root}/${repo.name}`)],
        ["https://config.example.internal/workflows/report.yaml", `https://127.0.0.1:${(web.address() as AddressInfo).port}/workflows/report.yaml`],
        ["/etc/report-templates/last-report.yaml", join(dir, "last-report.yaml")],
      ]);
      const resource = parse(readFileSync(join(dir, "sensor.yaml"), "utf8")) as Sensor;
      resource.metadata = { ...resource.metadata, namespace: ns };
      Object.assign(secrets, { "git-deploy-key/id_ed25519": sshd!.clientKey, "git-deploy-key/known_hosts": sshd!.knownHosts, "config-ca/ca.crt": certs.ca });
      const hook = await startWebhook(nats.url, ns, "report-requests", "requested");
      started.push(hook);
      const s = await startSensor(nats.url, ns, resource, { kubeConfig: kube.kubeConfig, secrets: async (ref) => secrets[`${ref.name}/${ref.key}`] ?? Promise.reject(new Error("no secret")) });
      started.push(s);
      await hook.send({ report: "weekly" });
      await waitFor("three firings", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 3, 60_000);
      const objects = kube.kubeConfig.makeApiClient(CustomObjectsApi);
      const jobs = (await objects.listNamespacedCustomObject({ group: "batch", version: "v1", namespace: ns, plural: "jobs" })) as { items: { spec: { template: { spec: { containers: { args: string[] }[] } } } }[] };
      assert.deepEqual(jobs.items.map((j) => j.spec.template.spec.containers[0]!.args), [["weekly"]]);
      const wfs = (await objects.listNamespacedCustomObject({ group: "argoproj.io", version: "v1alpha1", namespace: ns, plural: "workflows" })) as { items: { spec: { arguments: { parameters: { value: string }[] } } }[] };
      assert.deepEqual(wfs.items.map((w) => w.spec.arguments.parameters[0]!.value), ["weekly"]);
      assert.deepEqual((await kube.kubeConfig.makeApiClient(CoreV1Api).readNamespacedConfigMap({ namespace: ns, name: "last-report" })).data, { report: "weekly" });
    } finally {
      web.closeAllConnections();
      web.close();
      rmSync(dir, { recursive: true, force: true });
      rmSync(certs.dir, { recursive: true, force: true });
    }
  });

  it("names the trigger's field when the file is not in the repository", async () => {
    const ns = await kube.newNamespace("git-missing");
    const { send, lines } = await pipeline(ns, [{ template: { name: "cm", k8s: { source: { git: httpsGit("nope.yaml") } } } }]);
    await send({});
    const text = () => JSON.stringify(lines);
    await waitFor("the failure logged", async () => text().includes("spec.triggers[0].template.k8s.source.git.filePath: nope.yaml is not in commit"));
    assert.doesNotMatch(text(), /token-1/);
  });
});
