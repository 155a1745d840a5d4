// The custom trigger against a real gRPC trigger server from the test kit: plaintext and TLS (certSecret, serverNameOverride), retries, ApplyPolicy, DLQ.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ErrorCodes, ImpulseError, type CustomTriggerTemplate, type Trigger } from "@impulse/api";
import { freePort, type NatsServer } from "@impulse/bus";
import { triggerDefinitions } from "@impulse/sensor";
import { parse } from "yaml";
import { request } from "undici";
import * as grpc from "@grpc/grpc-js";
import { serverCerts, type ServerCerts } from "../../kit/certs.js";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { adaptExample } from "../../kit/examples.js";
import { startTriggerServer, type TriggerServer } from "../../kit/grpc-trigger.js";
import { capturingLogger, testLogger } from "../../kit/log.js";
import { startNats } from "../../kit/nats.js";
import { sensor } from "../../kit/resources.js";
import { metricValue, startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { waitFor } from "../../kit/wait.js";

const SERVER_NAME = "trigger.impulse.test";
let bus: NatsServer;
let plain: TriggerServer;
let secure: TriggerServer;
let certs: ServerCerts;
const started: Started[] = [];
const procs: CliProcess[] = [];
const servers: TriggerServer[] = [];

const secrets = async (ref: { name: string; key: string }) => {
  if (`${ref.name}/${ref.key}` === "trigger-tls/ca.crt") return certs.ca;
  throw new ImpulseError(ErrorCodes.SecretNotFound, `secret ${ref.name}/${ref.key} not found`);
};

before(async () => {
  // The certificate names only SERVER_NAME: a client dialling 127.0.0.1 must be told that name (serverNameOverride).
  certs = serverCerts(`DNS:${SERVER_NAME}`);
  [bus, plain, secure] = await Promise.all([
    startNats(),
    startTriggerServer({ fetch: (spec) => JSON.stringify({ kind: "PipelineRun", metadata: { name: "build" }, spec: parse(spec) }) }),
    startTriggerServer({}, { cert: certs.cert, key: certs.key }),
  ]);
});
after(async () => {
  for (const p of procs) await p.stop();
  for (const s of started.reverse()) await s.stop();
  await Promise.all([bus?.stop(), plain?.stop(), secure?.stop(), ...servers.map((s) => s.stop())]);
  if (certs) rmSync(certs.dir, { recursive: true, force: true });
});

const dep = { name: "d", eventSourceName: "src", eventName: "e" };

async function pipeline(ns: string, triggers: unknown[], logger = testLogger()) {
  const hook = await startWebhook(bus.url, ns, "src");
  started.push(hook);
  const s = await startSensor(bus.url, ns, sensor(ns, { dependencies: [dep], triggers }), { secrets, logger });
  started.push(s);
  return { send: hook.send, sensor: s };
}
const fired = (s: Started, n = 1) => waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === n);

describe("custom trigger through a sensor", () => {
  it("fetches the resource for the spec a parameter changed, applies resource parameters, executes with the payload, asks the policy", async () => {
    const { send, sensor: s } = await pipeline("custom-plain", [
      {
        template: {
          name: "pipeline",
          custom: {
            serverURL: plain.url,
            spec: { url: "https://example.com/default.yaml", team: "ci" },
            parameters: [{ src: { dependencyName: "d", dataKey: "body.namespace" }, dest: "metadata.namespace" }],
            payload: [
              { src: { dependencyName: "d", dataKey: "body.commit" }, dest: "commit" },
              { src: { dependencyName: "d", dataKey: "body.n", useRawData: true }, dest: "n" },
            ],
          },
        },
        parameters: [{ src: { dependencyName: "d", dataKey: "body.url" }, dest: "custom.spec.url" }],
      },
    ]);
    await send({ url: "https://example.com/build.yaml", namespace: "team-a", commit: "abc123", n: 2 });
    await fired(s);
    const [f, x, p] = [plain.of("FetchResource"), plain.of("Execute"), plain.of("ApplyPolicy")];
    assert.equal(f.length, 1);
    assert.deepEqual(parse(f[0]!.resource), { team: "ci", url: "https://example.com/build.yaml" }, "the spec as YAML, changed by the outer parameter");
    assert.deepEqual(JSON.parse(x[0]!.resource), { kind: "PipelineRun", metadata: { name: "build", namespace: "team-a" }, spec: { team: "ci", url: "https://example.com/build.yaml" } });
    assert.deepEqual(JSON.parse(x[0]!.payload!), { commit: "abc123", n: 2 });
    assert.deepEqual(JSON.parse(p[0]!.resource), { commit: "abc123", n: 2 }, "ApplyPolicy gets Execute's response");
    assert.match(f[0]!.idempotencyKey ?? "", /^[0-9a-f]{32}$/);
    assert.deepEqual([x[0]!.idempotencyKey, p[0]!.idempotencyKey], [f[0]!.idempotencyKey, f[0]!.idempotencyKey], "one key for the firing's three calls");
  });

  it("connects over TLS, verifying the server against certSecret under the serverNameOverride name", async () => {
    const { send, sensor: s } = await pipeline("custom-tls", [
      { template: { name: "tls", custom: { serverURL: secure.url, secure: true, certSecret: { name: "trigger-tls", key: "ca.crt" }, serverNameOverride: SERVER_NAME, spec: { job: "deploy" }, payload: [{ src: { dependencyName: "d", dataKey: "body.v" }, dest: "v" }] } } },
    ]);
    await send({ v: "1.2.3" });
    await fired(s);
    assert.deepEqual(secure.of("Execute").map((c) => JSON.parse(c.payload!)), [{ v: "1.2.3" }]);
    assert.deepEqual(parse(secure.of("FetchResource")[0]!.resource), { job: "deploy" });
  });

  it("retries a failed Execute under retryStrategy and then succeeds", async () => {
    let failures = 2;
    const flaky = await startTriggerServer({
      execute: (_r, payload) => {
        if (failures-- > 0) throw { code: grpc.status.UNAVAILABLE, details: "deployer busy" };
        return payload;
      },
    });
    servers.push(flaky);
    const { send, sensor: s } = await pipeline("custom-retry", [
      { template: { name: "flaky", custom: { serverURL: flaky.url, spec: { a: "b" }, payload: [{ src: { dependencyName: "d", value: "x" }, dest: "k" }] } }, retryStrategy: { steps: 3, duration: "20ms" } },
    ]);
    await send({});
    await fired(s);
    assert.equal(await metricValue(s.registry, "impulse_sensor_trigger_retries_total", { trigger: "flaky" }), 2);
    assert.equal(flaky.of("Execute").length, 3);
    assert.equal(flaky.of("ApplyPolicy").length, 1, "the policy is asked only about a successful Execute");
    assert.equal(new Set(flaky.calls.map((c) => c.idempotencyKey)).size, 1, "every attempt carries the same idempotency key");
  });

  it("does not retry INVALID_ARGUMENT from Execute and hands the events to the dlqTrigger", async () => {
    const refusing = await startTriggerServer({ execute: () => { throw { code: grpc.status.INVALID_ARGUMENT, details: "no such pipeline" }; } });
    servers.push(refusing);
    const { logger, lines } = capturingLogger();
    const { send, sensor: s } = await pipeline(
      "custom-dlq",
      [
        {
          template: { name: "refused", custom: { serverURL: refusing.url, spec: { pipeline: "missing" } } },
          retryStrategy: { steps: 3, duration: "20ms" },
          dlqTrigger: { template: { name: "dead", custom: { serverURL: plain.url, spec: { kind: "dead-letter" } } }, retryStrategy: { steps: 1 } },
        },
      ],
      logger,
    );
    await send({ id: 1 });
    await waitFor("dead-lettered", async () => (await metricValue(s.registry, "impulse_sensor_events_dead_lettered_total")) === 1);
    assert.equal(await metricValue(s.registry, "impulse_sensor_trigger_retries_total", { trigger: "refused" }), 0);
    assert.equal(refusing.of("Execute").length, 1);
    assert.ok(plain.of("FetchResource").some((c) => parse(c.resource).kind === "dead-letter"), "the dlqTrigger ran");
    assert.match(lines.join(""), /custom trigger Execute: INVALID_ARGUMENT: no such pipeline/);
  });

  it("counts ApplyPolicy success: false as a failure: retried, then dead-lettered, with the server's message", async () => {
    const strict = await startTriggerServer({ policy: () => ({ success: false, message: "pipeline run failed its checks" }) });
    servers.push(strict);
    const { logger, lines } = capturingLogger();
    const { send, sensor: s } = await pipeline(
      "custom-policy",
      [
        {
          template: { name: "checked", custom: { serverURL: strict.url, spec: { a: "b" } } },
          retryStrategy: { steps: 2, duration: "20ms" },
          dlqTrigger: { template: { name: "dead", custom: { serverURL: plain.url, spec: { kind: "policy-dead-letter" } } }, retryStrategy: { steps: 1 } },
        },
      ],
      logger,
    );
    await send({});
    await waitFor("dead-lettered", async () => (await metricValue(s.registry, "impulse_sensor_events_dead_lettered_total")) === 1);
    assert.equal(strict.of("ApplyPolicy").length, 2, "a policy failure is retried as a failed call is");
    assert.equal(await metricValue(s.registry, "impulse_sensor_triggers_fired_total"), 0);
    assert.match(lines.join(""), /ApplyPolicy success: false\): pipeline run failed its checks/);
  });
});

describe("custom trigger executor", () => {
  const def = triggerDefinitions.get("custom")!;
  const ac = new AbortController();
  after(() => ac.abort());
  const run = (configured: CustomTriggerTemplate, t: Partial<CustomTriggerTemplate> = {}) =>
    def
      .create({
        sensorName: "direct", triggerName: "t", logger: testLogger(), secrets, kubeConfig: () => { throw new Error("unused"); }, signal: ac.signal,
        template: { name: "t", custom: configured } as Trigger["template"],
      })
      .execute({ template: { ...configured, ...t }, payload: {}, events: {}, idempotencyKey: "k", logger: testLogger() }, ac.signal);
  const failsWith = (code: string, retryable: boolean, text: RegExp) => (e: unknown) => {
    assert.ok(e instanceof ImpulseError, String(e));
    assert.deepEqual([e.code, e.retryable], [code, retryable], e.message);
    assert.match(e.message, text);
    return true;
  };
  const tls = { secure: true, certSecret: { name: "trigger-tls", key: "ca.crt" } };

  it("retries when no server answers", async () => {
    await assert.rejects(run({ serverURL: `127.0.0.1:${await freePort()}`, spec: {} }), failsWith(ErrorCodes.TriggerFailed, true, /FetchResource: UNAVAILABLE/));
  });

  it("fails the TLS handshake when the certificate does not name the address dialled and no serverNameOverride says otherwise", async () => {
    await assert.rejects(run({ serverURL: secure.url, spec: {}, ...tls }), failsWith(ErrorCodes.TriggerFailed, true, /UNAVAILABLE/));
    await assert.rejects(run({ serverURL: secure.url, spec: {}, ...tls, serverNameOverride: "other.impulse.test" }), failsWith(ErrorCodes.TriggerFailed, true, /UNAVAILABLE/));
  });

  it("fails a plaintext client against the TLS server", async () => {
    await assert.rejects(run({ serverURL: secure.url, spec: {} }), failsWith(ErrorCodes.TriggerFailed, true, /UNAVAILABLE/));
  });

  it("checks a serverURL set by a parameter against the egress policy", async () => {
    await assert.rejects(run({ serverURL: "trigger.example.com:9000", spec: {} }, { serverURL: plain.url }), failsWith(ErrorCodes.EgressDenied, false, /internal address/));
  });
});

it("runs the custom-trigger example: a build request sent to a gRPC trigger server", async () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-custom-example-"));
  const example = join(repoRoot, "manifests/examples/custom-trigger");
  const port = await freePort();
  const builds = await startTriggerServer({ fetch: (spec) => JSON.stringify({ pipeline: parse(spec).pipeline, params: {} }) }, { cert: certs.cert, key: certs.key });
  servers.push(builds);
  adaptExample(join(example, "eventsource.yaml"), join(dir, "eventsource.yaml"), [['"12014"', `"${port}"`]]);
  adaptExample(join(example, "sensor.yaml"), join(dir, "sensor.yaml"), [
    ["serverURL: build-trigger.ci.svc:9000", `serverURL: ${builds.url}`],
    ["serverNameOverride: build-trigger.ci.svc", `serverNameOverride: ${SERVER_NAME}`],
  ]);
  const secretsDir = join(dir, "secrets");
  mkdirSync(join(secretsDir, "build-trigger-tls"), { recursive: true });
  writeFileSync(join(secretsDir, "build-trigger-tls", "ca.crt"), certs.ca);
  const common = ["--nats-url", bus.url, "--namespace", "custom-example", "--log-level", "warn", "--secrets-dir", secretsDir];
  await startRuntime("sensor", join(dir, "sensor.yaml"), common, procs);
  await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs);
  const r = await request(`http://127.0.0.1:${port}/push`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ repository: "shop", branch: "main", commit: "9f1c2e" }) });
  assert.equal(r.statusCode, 200);
  await r.body.dump();
  const [x] = await waitFor("executed", () => builds.of("Execute").length === 1 && builds.of("Execute"));
  assert.deepEqual(JSON.parse(x!.resource), { pipeline: "build-and-test", params: { commit: "9f1c2e" } });
  assert.deepEqual(JSON.parse(x!.payload!), { repository: "shop", branch: "main" });
});
