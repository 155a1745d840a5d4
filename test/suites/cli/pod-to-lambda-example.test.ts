// The headline scenario, as pods run it: a pod labelled app=my-pod is created and a Lambda function receives its name.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { CoreV1Api } from "@kubernetes/client-node";
import type { NatsServer } from "@impulse/bus";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { adaptExample } from "../../kit/examples.js";
import { startKube, type Kube } from "../../kit/kube.js";
import { startLambda, type LambdaEmulator } from "../../kit/lambda.js";
import { startNats } from "../../kit/nats.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let kube: Kube;
let lambda: LambdaEmulator;
const procs: CliProcess[] = [];

before(async () => {
  [nats, kube, lambda] = await Promise.all([startNats(), startKube(), startLambda()]);
});
after(async () => {
  for (const p of procs) await p.stop();
  await Promise.all([lambda?.stop(), nats?.stop(), kube?.stop()]);
});

it("invokes the function with the new pod's name, once, and ignores pods without the label", async () => {
  const ns = await kube.newNamespace("headline");
  const core = kube.kubeConfig.makeApiClient(CoreV1Api);
  const pod = (name: string, app: string) => ({ metadata: { name, labels: { app } }, spec: { containers: [{ name: "main", image: "nginx:1.27" }] } });
  // Exists before the source starts: afterStart keeps it out.
  await core.createNamespacedPod({ namespace: ns, body: pod("my-pod-old", "my-pod") });

  const dir = mkdtempSync(join(tmpdir(), "impulse-pod-lambda-"));
  const example = join(repoRoot, "manifests/examples/pod-to-lambda");
  adaptExample(join(example, "eventsource.yaml"), join(dir, "eventsource.yaml"), [["namespace: default", `namespace: ${ns}`]]);
  adaptExample(join(example, "sensor.yaml"), join(dir, "sensor.yaml"), [
    ["functionName: pod-announcer", `functionName: ${lambda.functionName("record")}\n          endpoint: ${lambda.endpoint}`],
  ]);
  const secretsDir = join(dir, "secrets");
  mkdirSync(join(secretsDir, "aws-credentials"), { recursive: true });
  writeFileSync(join(secretsDir, "aws-credentials", "accesskey"), "AKIDEXAMPLE\n");
  writeFileSync(join(secretsDir, "aws-credentials", "secretkey"), "example-secret-key\n");

  const common = ["--nats-url", nats.url, "--namespace", "headline", "--log-level", "warn", "--secrets-dir", secretsDir, "--kubeconfig", kube.kubeconfigPath];
  const sensor = await startRuntime("sensor", join(dir, "sensor.yaml"), [...common], procs);
  const es = await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs);

  await core.createNamespacedPod({ namespace: ns, body: pod("web-7", "other") });
  await core.createNamespacedPod({ namespace: ns, body: pod("my-pod-1", "my-pod") });

  const [received] = await waitFor("the function was invoked", () => lambda.received("record").then((r) => r.length > 0 && r), 30_000);
  assert.deepEqual(received, { podName: "my-pod-1", namespace: ns, image: "nginx:1.27" });
  // Give a wrong second invocation (the old pod, the unlabelled one, a duplicate) time to show up before counting.
  await core.createNamespacedPod({ namespace: ns, body: pod("my-pod-2", "my-pod") });
  await waitFor("the second labelled pod", () => lambda.received("record").then((r) => r.length >= 2 && r), 30_000);
  assert.deepEqual((await lambda.received("record")).map((r) => (r as { podName: string }).podName), ["my-pod-1", "my-pod-2"]);
});
