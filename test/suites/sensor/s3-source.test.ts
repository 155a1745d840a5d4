// The k8s and argoWorkflow triggers' `source.s3` against a real MinIO server and a real kube-apiserver (Argo Workflows' CRDs), plus the minio-workflow example.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { CoreV1Api, CustomObjectsApi } from "@kubernetes/client-node";
import type { NatsServer } from "@impulse/bus";
import { ArgoWorkflowTriggerTemplate, ErrorCodes, isImpulseError, K8sTriggerTemplate } from "@impulse/api";
import { triggerDefinitions } from "@impulse/sensor";
import { stringify } from "yaml";
import { installArgoCrds } from "../../kit/argo.js";
import { serverCerts } from "../../kit/certs.js";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { adaptExample } from "../../kit/examples.js";
import { startKube, type Kube } from "../../kit/kube.js";
import { testLogger } from "../../kit/log.js";
import { startMinio, type MinioServer } from "../../kit/minio.js";
import { startNats } from "../../kit/nats.js";
import { sensor } from "../../kit/resources.js";
import { metricValue, startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { waitFor } from "../../kit/wait.js";

let kube: Kube;
let nats: NatsServer;
let minio: MinioServer;
let core: CoreV1Api;
let objects: CustomObjectsApi;
const started: { stop(): Promise<unknown> }[] = [];
const procs: CliProcess[] = [];
const G = { group: "argoproj.io", version: "v1alpha1" };
const KEYS = { accessKey: { name: "minio", key: "accesskey" }, secretKey: { name: "minio", key: "secretkey" } };
const secretsOf = (m: MinioServer) => async (ref: { name: string; key: string }) =>
  ref.key === "accesskey" ? m.accessKey : ref.key === "secretkey" ? m.secretKey : ref.key === "ca" && m.caPem ? m.caPem : Promise.reject(new Error(`no secret ${ref.name}/${ref.key}`));

before(async () => {
  [kube, nats, minio] = await Promise.all([startKube(), startNats(), startMinio()]);
  await installArgoCrds(kube);
  core = kube.kubeConfig.makeApiClient(CoreV1Api);
  objects = kube.kubeConfig.makeApiClient(CustomObjectsApi);
  await minio.client().makeBucket("manifests");
});
after(async () => {
  for (const p of procs) await p.stop();
  for (const s of started.reverse()) await s.stop();
  await minio?.stop();
  await nats?.stop();
  await kube?.stop();
});

const s3 = (key: string, over: object = {}) => ({ endpoint: minio.endpoint, insecure: true, bucket: { name: "manifests", key }, ...KEYS, ...over });
const put = (key: string, text: string) => minio.client().putObject("manifests", key, Buffer.from(text));

/** One firing of a trigger kind, as the sensor runs it but without the bus; `written` is the template as in the Sensor. */
async function fire(kind: "k8s" | "argoWorkflow", ns: string, template: unknown, o: { written?: unknown; secrets?: ReturnType<typeof secretsOf> } = {}) {
  const ac = new AbortController();
  const def = triggerDefinitions.get(kind)!;
  const schema = kind === "k8s" ? K8sTriggerTemplate : ArgoWorkflowTriggerTemplate;
  const exec = def.create({
    sensorName: "s",
    sensorNamespace: ns,
    triggerName: "t",
    logger: testLogger(),
    secrets: o.secrets ?? secretsOf(minio),
    kubeConfig: () => kube.kubeConfig,
    signal: ac.signal,
    ...(o.written ? { template: { name: "t", [kind]: o.written } as never } : {}),
  });
  return (await exec.execute({ template: schema.parse(template) as never, payload: undefined, events: {}, idempotencyKey: `k-${Math.random()}`, logger: testLogger() }, ac.signal)) as { name: string };
}

const failure = async (p: Promise<unknown>) => {
  const e = await p.then(() => undefined, (err: unknown) => err);
  assert.ok(isImpulseError(e), `an ImpulseError, got ${String(e)}`);
  return e;
};

describe("trigger source s3", () => {
  it("k8s: creates the object read from an S3 object, with the trigger's parameters applied (webhook → bus → sensor)", async () => {
    const ns = await kube.newNamespace("s3-k8s");
    await put("configmap.yaml", stringify({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "from-s3" }, data: { origin: "s3", order: "" } }));
    const hook = await startWebhook(nats.url, ns, "hooks", "e");
    started.push(hook);
    const s = await startSensor(
      nats.url,
      ns,
      sensor("s3", {
        dependencies: [{ name: "d", eventSourceName: "hooks", eventName: "e" }],
        triggers: [{ template: { name: "cm", k8s: { source: { s3: s3("configmap.yaml") }, parameters: [{ src: { dependencyName: "d", dataKey: "body.order" }, dest: "data.order" }] } } }],
      }, ns),
      { kubeConfig: kube.kubeConfig, secrets: secretsOf(minio) },
    );
    started.push(s);
    await hook.send({ order: "o-17" });
    await waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1, 30_000);
    const cm = await core.readNamespacedConfigMap({ namespace: ns, name: "from-s3" });
    assert.deepEqual(cm.data, { origin: "s3", order: "o-17" });
    assert.equal(cm.metadata!.labels!["impulse.dev/sensor"], "s3");
  });

  it("argoWorkflow: submits the Workflow read from an S3 object (JSON works as well as YAML)", async () => {
    const ns = await kube.newNamespace("s3-wf");
    const wf = { apiVersion: "argoproj.io/v1alpha1", kind: "Workflow", metadata: { generateName: "from-s3-" }, spec: { entrypoint: "main", templates: [{ name: "main", container: { image: "busybox", command: ["echo"] } }] } };
    await put("wf.json", JSON.stringify(wf));
    const out = await fire("argoWorkflow", ns, { source: { s3: s3("wf.json") } });
    const got = (await objects.getNamespacedCustomObject({ ...G, namespace: ns, plural: "workflows", name: out.name })) as { metadata: { name: string }; spec: { entrypoint: string } };
    assert.match(got.metadata.name, /^from-s3-/);
    assert.equal(got.spec.entrypoint, "main");
  });

  it("fails a firing with the object's location: missing object (retryable), wrong keys (not), not YAML, too large", async () => {
    const ns = await kube.newNamespace("s3-errors");
    const missing = await failure(fire("k8s", ns, { source: { s3: s3("nope.yaml") } }));
    assert.equal(missing.code, ErrorCodes.TriggerFailed);
    assert.equal(missing.retryable, true, "the object may be uploaded later");
    assert.match(missing.message, /manifests\/nope\.yaml.*NoSuchKey/);

    await put("cm.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
    const badKeys = await failure(fire("k8s", ns, { source: { s3: s3("cm.yaml") } }, { secrets: async (ref) => (ref.key === "accesskey" ? minio.accessKey : "wrong") }));
    assert.equal(badKeys.retryable, false);
    assert.match(badKeys.message, /SignatureDoesNotMatch/);

    await put("list.yaml", "- a\n- b\n");
    assert.equal((await failure(fire("k8s", ns, { source: { s3: s3("list.yaml") } }))).code, ErrorCodes.InvalidSpec);

    await put("big.yaml", `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: big}\ndata: {x: "${"x".repeat(1024 * 1024)}"}\n`);
    const big = await failure(fire("k8s", ns, { source: { s3: s3("big.yaml") } }));
    assert.equal(big.code, ErrorCodes.InvalidSpec);
    assert.match(big.message, /larger than/);
  });

  it("refuses an endpoint changed by a parameter (the keys are only for the configured endpoint); bucket and key may change", async () => {
    const ns = await kube.newNamespace("s3-param");
    await put("p.yaml", "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: by-param}\n");
    const written = { source: { s3: s3("other.yaml") } };
    const moved = await failure(fire("k8s", ns, { source: { s3: s3("p.yaml", { endpoint: "127.0.0.2:9" }) } }, { written }));
    assert.equal(moved.code, ErrorCodes.ParameterFailed);
    const out = await fire("k8s", ns, { source: { s3: s3("p.yaml") } }, { written });
    assert.equal(out.name, "by-param");
  });

  it("reads over HTTPS, trusting a private CA from caCertificate", async () => {
    const tls = await startMinio({ tls: serverCerts() });
    started.push(tls);
    await tls.client().makeBucket("manifests");
    await tls.client().putObject("manifests", "tls.yaml", Buffer.from("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: over-tls}\n"));
    const ns = await kube.newNamespace("s3-tls");
    const out = await fire("k8s", ns, { source: { s3: { endpoint: tls.endpoint, bucket: { name: "manifests", key: "tls.yaml" }, caCertificate: { name: "minio", key: "ca" }, ...KEYS } } }, { secrets: secretsOf(tls) });
    assert.equal(out.name, "over-tls");
  });

  it("runs the minio-workflow example end to end: an upload submits the Workflow kept in the bucket, with the uploaded key", async () => {
    const ns = await kube.newNamespace("s3-example");
    const example = join(repoRoot, "manifests/examples/minio-workflow");
    const c = minio.client();
    await c.makeBucket("input");
    await c.makeBucket("workflows");
    await c.putObject("workflows", "process-upload.yaml", Buffer.from(readFileSync(join(example, "process-upload.yaml.txt"))));
    process.env["IMPULSE_SECRET_MINIO_CREDENTIALS_ACCESSKEY"] = minio.accessKey;
    process.env["IMPULSE_SECRET_MINIO_CREDENTIALS_SECRETKEY"] = minio.secretKey;
    const dir = mkdtempSync(join(tmpdir(), "impulse-minio-workflow-"));
    adaptExample(join(example, "eventsource.yaml"), join(dir, "eventsource.yaml"), [["localhost:9000", minio.endpoint]]);
    // In a cluster the Sensor resource carries its namespace; here the test gives it a fresh one.
    adaptExample(join(example, "sensor.yaml"), join(dir, "sensor.yaml"), [
      ["localhost:9000", minio.endpoint],
      ["  name: process-uploads\n", `  name: process-uploads\n  namespace: ${ns}\n`],
    ]);
    const common = ["--nats-url", nats.url, "--namespace", "minio-workflow", "--log-level", "warn"];
    await startRuntime("sensor", join(dir, "sensor.yaml"), ["--kubeconfig", kube.kubeconfigPath, ...common], procs);
    await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs);
    writeFileSync(join(dir, "upload.csv"), "a,b\n");
    await c.fPutObject("input", "batch-7.csv", join(dir, "upload.csv"));
    type Wf = { metadata: { name: string; labels?: Record<string, string> }; spec: { arguments: { parameters: { name: string; value: string }[] } } };
    const wf = await waitFor(
      "the submitted Workflow",
      async () => ((await objects.listNamespacedCustomObject({ ...G, namespace: ns, plural: "workflows" })) as { items: Wf[] }).items[0],
      30_000,
    );
    assert.match(wf.metadata.name, /^process-upload-/);
    assert.deepEqual(wf.spec.arguments.parameters, [{ name: "key", value: "batch-7.csv" }]);
    assert.equal(wf.metadata.labels?.["impulse.dev/sensor"], "process-uploads");
  });
});
