// The awsLambda trigger against a real Lambda Invoke API (serverless-offline running real handlers) and a real nats-server.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ErrorCodes, ImpulseError, type AwsLambdaTriggerTemplate } from "@impulse/api";
import type { NatsServer } from "@impulse/bus";
import { triggerDefinitions } from "@impulse/sensor";
import { startLambda, type LambdaEmulator } from "../../kit/lambda.js";
import { testLogger } from "../../kit/log.js";
import { startNats } from "../../kit/nats.js";
import { sensor } from "../../kit/resources.js";
import { metricValue, startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { waitFor } from "../../kit/wait.js";
import { secretValue } from "../../../cli/src/secrets.js";

let nats: NatsServer;
let lambda: LambdaEmulator;
const started: Started[] = [];

// Dummy keys through Secret references, as a user would give real ones; the emulator does not check signatures.
const secretValues: Record<string, string> = { "aws-credentials/accesskey": "AKIDEXAMPLE", "aws-credentials/secretkey": "not-a-real-secret\n" };
const secretsAsked: string[] = [];
const secrets = async (ref: { name: string; key: string }) => {
  secretsAsked.push(`${ref.name}/${ref.key}`);
  const v = secretValues[`${ref.name}/${ref.key}`];
  if (v === undefined) throw new ImpulseError(ErrorCodes.SecretNotFound, `secret ${ref.name}/${ref.key} not found`);
  // Read as the runtime reads every secret (a file's trailing newline dropped).
  return secretValue(v);
};
const credentials = { accessKey: { name: "aws-credentials", key: "accesskey" }, secretKey: { name: "aws-credentials", key: "secretkey" } };

before(async () => {
  [nats, lambda] = await Promise.all([startNats(), startLambda()]);
});
after(async () => {
  for (const s of started.reverse()) await s.stop();
  await lambda?.stop();
  await nats?.stop();
});

const dep = { name: "d", eventSourceName: "src", eventName: "e" };
const marker = (m: string) => ({ src: { dependencyName: "d", value: m }, dest: "marker" });

/** Starts a webhook and a sensor with these triggers in a fresh namespace; returns send() and the sensor. */
async function pipeline(ns: string, triggers: unknown[]) {
  const hook = await startWebhook(nats.url, ns, "src");
  started.push(hook);
  const s = await startSensor(nats.url, ns, sensor(ns, { dependencies: [dep], triggers }), { secrets });
  started.push(s);
  return { send: hook.send, sensor: s };
}

async function recordsWith(fn: string, m: string) {
  return (await lambda.records(fn)).filter((r) => (r.event as { marker?: string }).marker === m);
}

describe("awsLambda trigger through a sensor", () => {
  it("invokes the function with exactly the built payload, parameters applied, and the idempotency key in ClientContext", async () => {
    const { send, sensor: s } = await pipeline("lambda-payload", [
      {
        template: {
          name: "scale",
          awsLambda: {
            functionName: "placeholder",
            region: "us-east-1",
            endpoint: lambda.endpoint,
            ...credentials,
            payload: [
              marker("payload"),
              { src: { dependencyName: "d", dataKey: "body.pod.name" }, dest: "pod.name" },
              { src: { dependencyName: "d", dataKey: "body.replicas", useRawData: true }, dest: "replicas" },
              { src: { dependencyName: "d", contextKey: "id" }, dest: "eventId" },
            ],
            // The function is chosen per event: template parameters are applied before the call.
            parameters: [{ src: { dependencyName: "d", dataTemplate: "impulse-test-{{ .Input.body.target }}" }, dest: "functionName" }],
          },
        },
      },
    ]);
    const eventId = await send({ target: "record", pod: { name: "web-7d9f-1" }, replicas: 3 });
    const [rec] = await waitFor("the function received the event", () => recordsWith("record", "payload").then((r) => r.length === 1 && r));
    assert.deepEqual(rec!.event, { marker: "payload", pod: { name: "web-7d9f-1" }, replicas: 3, eventId });
    assert.equal(rec!.functionName, lambda.functionName("record"));
    const custom = (rec!.clientContext as { custom: Record<string, string> }).custom;
    assert.match(custom["idempotencyKey"]!, /^[0-9a-f]{32}$/);
    assert.deepEqual({ sensor: custom["sensor"], trigger: custom["trigger"] }, { sensor: "lambda-payload", trigger: "scale" });
    await waitFor("counted as fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    assert.ok(secretsAsked.includes("aws-credentials/accesskey") && secretsAsked.includes("aws-credentials/secretkey"), "keys come from the Secret references");
  });

  it("invokes asynchronously with invocationType Event (202)", async () => {
    const { send, sensor: s } = await pipeline("lambda-event", [
      {
        template: { name: "async", awsLambda: { functionName: lambda.functionName("record"), region: "us-east-1", endpoint: lambda.endpoint, ...credentials, invocationType: "Event", payload: [marker("event")] } },
        // Only 202 passes: proves the call was asynchronous (a synchronous one answers 200).
        policy: { status: { allow: [202] } },
        retryStrategy: { steps: 1 },
      },
    ]);
    await send({});
    await waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    await waitFor("the function ran", () => recordsWith("record", "event").then((r) => r.length === 1));
    assert.equal(await metricValue(s.registry, "impulse_sensor_triggers_failed_total"), 0);
  });

  it("counts a function that throws as a failure: retried, then handed to the dlqTrigger", async () => {
    const { send, sensor: s } = await pipeline("lambda-boom", [
      {
        template: { name: "boom", awsLambda: { functionName: lambda.functionName("boom"), region: "us-east-1", endpoint: lambda.endpoint, ...credentials, payload: [marker("dlq")] } },
        retryStrategy: { steps: 2, duration: "20ms" },
        dlqTrigger: {
          template: { name: "dead-letters", awsLambda: { functionName: lambda.functionName("record"), region: "us-east-1", endpoint: lambda.endpoint, ...credentials, payload: [marker("dlq")] } },
          retryStrategy: { steps: 1 },
        },
      },
    ]);
    await send({});
    await waitFor("dead-lettered", async () => (await metricValue(s.registry, "impulse_sensor_events_dead_lettered_total")) === 1);
    assert.equal((await recordsWith("boom", "dlq")).length, 2, "two attempts on the failing function");
    assert.deepEqual((await recordsWith("record", "dlq")).map((r) => r.event), [{ marker: "dlq" }]);
    assert.equal(await metricValue(s.registry, "impulse_sensor_triggers_failed_total"), 1);
    assert.equal(await metricValue(s.registry, "impulse_sensor_trigger_retries_total", { trigger: "boom" }), 1);
  });

  it("counts a function that throws as a success with functionErrorIsSuccess (Argo's behaviour)", async () => {
    const { send, sensor: s } = await pipeline("lambda-tolerant", [
      {
        template: {
          name: "tolerant",
          awsLambda: { functionName: lambda.functionName("boom"), region: "us-east-1", endpoint: lambda.endpoint, ...credentials, functionErrorIsSuccess: true, payload: [marker("tolerant")] },
        },
        retryStrategy: { steps: 3, duration: "20ms" },
      },
    ]);
    await send({});
    await waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    assert.equal((await recordsWith("boom", "tolerant")).length, 1, "one attempt, no retry");
    assert.equal(await metricValue(s.registry, "impulse_sensor_triggers_failed_total"), 0);
  });

  it("fails an unknown function at once, without retries", async () => {
    const { send, sensor: s } = await pipeline("lambda-unknown", [
      {
        template: { name: "missing", awsLambda: { functionName: "no-such-function", region: "us-east-1", endpoint: lambda.endpoint, ...credentials, payload: [marker("unknown")] } },
        retryStrategy: { steps: 4, duration: "20ms" },
      },
    ]);
    await send({});
    await waitFor("failed", async () => (await metricValue(s.registry, "impulse_sensor_triggers_failed_total")) === 1);
    assert.equal(await metricValue(s.registry, "impulse_sensor_trigger_retries_total"), 0);
    assert.equal(await metricValue(s.registry, "impulse_sensor_triggers_fired_total"), 0);
  });
});

describe("awsLambda trigger executor against the emulator", () => {
  const def = triggerDefinitions.get("awsLambda")!;
  const ac = new AbortController();
  after(() => ac.abort());
  const executor = def.create({ sensorName: "direct", triggerName: "t", logger: testLogger(), secrets, kubeConfig: () => { throw new Error("unused"); }, signal: ac.signal });
  const run = (t: Partial<AwsLambdaTriggerTemplate>) =>
    executor.execute(
      { template: { functionName: lambda.functionName("record"), region: "us-east-1", endpoint: lambda.endpoint, ...credentials, ...t }, payload: { marker: "direct" }, events: {}, idempotencyKey: "k", logger: testLogger() },
      ac.signal,
    );

  it("returns the Invoke status and the function's error", async () => {
    assert.deepEqual(await run({}), { functionName: lambda.functionName("record"), invocationType: "RequestResponse", status: 200, functionErrorIsSuccess: false });
    const boom = (await run({ functionName: lambda.functionName("boom") })) as { status: number; functionError: string; errorMessage: string };
    assert.equal(boom.status, 200);
    assert.equal(boom.functionError, "Unhandled");
    assert.equal(boom.errorMessage, "Error: boom: the handler failed on purpose");
    assert.throws(() => def.applyPolicy(boom, undefined), /FunctionError Unhandled\): Error: boom: the handler failed on purpose/);
  });

  it("names the function and AWS's error for an unknown function, as not retryable", async () => {
    await assert.rejects(run({ functionName: "no-such-function" }), (e: unknown) => {
      assert.ok(e instanceof ImpulseError);
      assert.equal(e.code, ErrorCodes.TriggerFailed);
      assert.equal(e.retryable, false);
      assert.match(e.message, /^Lambda no-such-function \(RequestResponse\): ResourceNotFoundException \(404\)/);
      return true;
    });
  });

  it("fails without a call when a credential Secret is missing, as not retryable", async () => {
    await assert.rejects(run({ accessKey: { name: "missing", key: "accesskey" } }), (e: unknown) => e instanceof ImpulseError && e.code === ErrorCodes.SecretNotFound && !e.retryable);
  });

  it("retries when nothing answers at the endpoint", async () => {
    await assert.rejects(run({ endpoint: "http://127.0.0.1:1" }), (e: unknown) => e instanceof ImpulseError && e.code === ErrorCodes.TriggerFailed && e.retryable);
  });
});
