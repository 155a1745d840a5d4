// The awsLambda example, run as pods run it (`impulse eventsource` + `impulse sensor`), against the local Lambda Invoke API.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { startLambda, type LambdaEmulator } from "../../kit/lambda.js";
import { startNats } from "../../kit/nats.js";
import { waitFor } from "../../kit/wait.js";
import { adaptExample as adapt } from "../../kit/examples.js";

let nats: NatsServer;
let lambda: LambdaEmulator;
const procs: CliProcess[] = [];

before(async () => {
  [nats, lambda] = await Promise.all([startNats(), startLambda()]);
});
after(async () => {
  for (const p of procs) await p.stop();
  await lambda?.stop();
  await nats?.stop();
});

it("invokes the remediation function with the documented payload for OOM kills only", async () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-lambda-example-"));
  const example = join(repoRoot, "manifests/examples/aws-lambda-trigger");
  const webhookPort = await freePort();
  adapt(join(example, "eventsource.yaml"), join(dir, "eventsource.yaml"), [['"12002"', `"${webhookPort}"`]]);
  adapt(join(example, "sensor.yaml"), join(dir, "sensor.yaml"), [
    ["functionName: pod-remediation", `functionName: ${lambda.functionName("record")}`],
    ["# endpoint: http://localhost:4566", `endpoint: ${lambda.endpoint}`],
  ]);
  // The Secret as a pod mounts it: <dir>/<name>/<key>, with the trailing newline files usually have.
  const secretsDir = join(dir, "secrets");
  mkdirSync(join(secretsDir, "aws-credentials"), { recursive: true });
  writeFileSync(join(secretsDir, "aws-credentials", "accesskey"), "AKIDEXAMPLE\n");
  writeFileSync(join(secretsDir, "aws-credentials", "secretkey"), "example-secret-key\n");

  const common = ["--nats-url", nats.url, "--namespace", "lambda-example", "--log-level", "warn", "--secrets-dir", secretsDir];
  const sensor = await startRuntime("sensor", join(dir, "sensor.yaml"), [...common], procs);
  const es = await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs);

  const post = async (body: unknown) => {
    const r = await request(`http://127.0.0.1:${webhookPort}/crashes`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    assert.equal(r.statusCode, 200);
    return ((await r.body.json()) as { eventId: string }).eventId;
  };
  await post({ pod: { name: "api-0", namespace: "shop" }, reason: "Error" });
  const eventId = await post({ pod: { name: "web-1", namespace: "shop" }, reason: "OOMKilled" });

  const [received] = await waitFor("the function was invoked", () => lambda.received("record").then((r) => r.length > 0 && r));
  assert.deepEqual(received, { pod: { name: "web-1", namespace: "shop" }, reason: "OOMKilled", eventId });
  const fired = /impulse_sensor_triggers_fired_total\{sensor="pod-remediation",trigger="remediate"\} 1/;
  // The handler records before it returns: the sensor counts the firing a moment after the function saw it.
  const text = await waitFor("counted as fired", async () => {
    const t = await (await request(`http://127.0.0.1:${sensor.metricsPort}/metrics`)).body.text();
    return fired.test(t) && t;
  });
  assert.match(text, /impulse_sensor_events_filtered_total\{sensor="pod-remediation",trigger="remediate"\} 1/);
  assert.equal((await lambda.received("record")).length, 1);
});
