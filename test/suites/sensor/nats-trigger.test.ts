// The nats trigger against a real nats-server (TLS, user/password and NKey auth) used as the target, apart from the bus's own nats-server.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ErrorCodes, ImpulseError, type NatsTriggerTemplate, type Trigger } from "@impulse/api";
import { freePort, type NatsServer } from "@impulse/bus";
import { createUser } from "@nats-io/nkeys";
import { connect, type Msg, type NatsConnection } from "@nats-io/transport-node";
import { triggerDefinitions } from "@impulse/sensor";
import { request } from "undici";
import { serverCerts } from "../../kit/certs.js";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { adaptExample } from "../../kit/examples.js";
import { capturingLogger, testLogger } from "../../kit/log.js";
import { startNats } from "../../kit/nats.js";
import { sensor } from "../../kit/resources.js";
import { metricValue, startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { waitFor } from "../../kit/wait.js";

const PASSWORD = "nats-pa55word-never-logged";
const nkey = createUser();
const SEED = new TextDecoder().decode(nkey.getSeed());
let bus: NatsServer;
let target: NatsServer; // the user's NATS: TLS, users with a password or an NKey
let caPem: string;
let certDir: string;
let watcher: NatsConnection;
const received: { subject: string; data: unknown; msgId: string | undefined }[] = [];
const started: Started[] = [];
const procs: CliProcess[] = [];

const secrets = async (ref: { name: string; key: string }) => {
  const values: Record<string, string> = {
    "fulfilment-nats/user": "impulse",
    "fulfilment-nats/password": PASSWORD,
    "fulfilment-nats/wrong": "not-the-password",
    "fulfilment-nats/nkey": SEED,
    "nats-ca/ca.crt": caPem,
  };
  const v = values[`${ref.name}/${ref.key}`];
  if (v === undefined) throw new ImpulseError(ErrorCodes.SecretNotFound, `secret ${ref.name}/${ref.key} not found`);
  return v;
};
const basic = { basic: { username: { name: "fulfilment-nats", key: "user" }, password: { name: "fulfilment-nats", key: "password" } } };
const tls = { caCertSecret: { name: "nats-ca", key: "ca.crt" } };

before(async () => {
  const cert = serverCerts();
  certDir = cert.dir;
  caPem = cert.ca;
  const config = join(certDir, "server.conf");
  writeFileSync(
    config,
    [
      `tls { cert_file: "${cert.certFile}", key_file: "${cert.keyFile}" }`,
      "authorization {",
      "  users = [",
      `    { user: impulse, password: "${PASSWORD}" }`,
      `    { user: watcher, password: watcher }`,
      `    { nkey: ${nkey.getPublicKey()} }`,
      "  ]",
      "}",
    ].join("\n"),
  );
  [bus, target] = await Promise.all([startNats(), startNats({ extraArgs: ["-c", config] })]);
  watcher = await connect({ servers: target.url, user: "watcher", pass: "watcher", tls: { ca: caPem } });
  watcher.subscribe("orders.>", {
    callback: (_e, m: Msg) => void received.push({ subject: m.subject, data: m.json(), msgId: m.headers?.get("Nats-Msg-Id") }),
  });
  await watcher.flush();
});
after(async () => {
  for (const p of procs) await p.stop();
  for (const s of started.reverse()) await s.stop();
  await watcher?.close();
  await Promise.all([bus?.stop(), target?.stop()]);
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

const dep = { name: "d", eventSourceName: "src", eventName: "e" };
const on = (subject: string) => received.filter((r) => r.subject === subject);

async function pipeline(ns: string, triggers: unknown[], logger = testLogger()) {
  const hook = await startWebhook(bus.url, ns, "src");
  started.push(hook);
  const s = await startSensor(bus.url, ns, sensor(ns, { dependencies: [dep], triggers }), { secrets, logger });
  started.push(s);
  return { send: hook.send, sensor: s };
}

describe("nats trigger through a sensor", () => {
  it("publishes the payload on the subject a parameter chose, over TLS with a password; the password is never logged", async () => {
    const { logger, lines } = capturingLogger();
    const { send, sensor: s } = await pipeline(
      "nats-basic",
      [
        {
          template: {
            name: "publish",
            nats: {
              url: target.url,
              subject: "orders.unknown",
              tls,
              auth: basic,
              payload: [
                { src: { dependencyName: "d", dataKey: "body.id" }, dest: "orderId" },
                { src: { dependencyName: "d", dataKey: "body.total", useRawData: true }, dest: "total" },
              ],
              parameters: [{ src: { dependencyName: "d", dataTemplate: "orders.{{ .Input.body.region }}" }, dest: "subject" }],
            },
          },
        },
      ],
      logger,
    );
    await send({ id: "o-1", region: "eu", total: 129.5 });
    const [m] = await waitFor("published", () => on("orders.eu").length === 1 && on("orders.eu"));
    assert.deepEqual(m!.data, { orderId: "o-1", total: 129.5 });
    assert.match(m!.msgId ?? "", /^[0-9a-f]{32}$/, "Nats-Msg-Id carries the idempotency key");
    await waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    const log = lines.join("");
    assert.match(log, /trigger publish fired: nats orders\.eu \(\d+ bytes\)/);
    assert.ok(!log.includes(PASSWORD), "the password appears in no log line");
  });

  it("authenticates with an NKey seed from a Secret", async () => {
    const { send, sensor: s } = await pipeline("nats-nkey", [
      { template: { name: "publish", nats: { url: target.url, subject: "orders.nkey", tls, auth: { nkey: { name: "fulfilment-nats", key: "nkey" } }, payload: [{ src: { dependencyName: "d", dataKey: "body.n", useRawData: true }, dest: "n" }] } } },
    ]);
    await send({ n: 7 });
    await waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    assert.deepEqual(on("orders.nkey").map((m) => m.data), [{ n: 7 }]);
  });

  it("does not retry refused credentials and hands the events to the dlqTrigger", async () => {
    const { send, sensor: s } = await pipeline("nats-auth", [
      {
        template: { name: "denied", nats: { url: target.url, subject: "orders.denied", tls, auth: { basic: { ...basic.basic, password: { name: "fulfilment-nats", key: "wrong" } } } } },
        retryStrategy: { steps: 3, duration: "20ms" },
        dlqTrigger: { template: { name: "dead", nats: { url: target.url, subject: "orders.dead-letters", tls, auth: basic } }, retryStrategy: { steps: 1 } },
      },
    ]);
    await send({});
    await waitFor("dead-lettered", async () => (await metricValue(s.registry, "impulse_sensor_events_dead_lettered_total")) === 1);
    assert.equal(await metricValue(s.registry, "impulse_sensor_trigger_retries_total", { trigger: "denied" }), 0);
    assert.equal(on("orders.denied").length, 0);
    assert.equal(on("orders.dead-letters").length, 1);
  });
});

describe("nats trigger executor", () => {
  const def = triggerDefinitions.get("nats")!;
  const ac = new AbortController();
  after(() => ac.abort());
  const run = (configured: NatsTriggerTemplate, t: Partial<NatsTriggerTemplate> = {}) =>
    def
      .create({
        sensorName: "direct", triggerName: "t", logger: testLogger(), secrets, kubeConfig: () => { throw new Error("unused"); }, signal: ac.signal,
        template: { name: "t", nats: configured } as Trigger["template"],
      })
      .execute({ template: { ...configured, ...t }, payload: { a: 1 }, events: {}, idempotencyKey: "k", logger: testLogger() }, ac.signal);
  const failsWith = (code: string, retryable: boolean, text: RegExp) => (e: unknown) => {
    assert.ok(e instanceof ImpulseError, String(e));
    assert.deepEqual([e.code, e.retryable], [code, retryable], e.message);
    assert.match(e.message, text);
    return true;
  };

  it("retries when no server answers", async () => {
    await assert.rejects(run({ url: `nats://127.0.0.1:${await freePort()}`, subject: "orders.x" }), failsWith(ErrorCodes.TriggerFailed, true, /publish to orders.x at nats:\/\/127\.0\.0\.1:\d+/));
  });

  it("fails when the server's certificate is not trusted", async () => {
    await assert.rejects(run({ url: target.url, subject: "orders.x", auth: basic }), failsWith(ErrorCodes.TriggerFailed, true, /certificate|TLS/i));
  });

  it("sends no credentials to a url set by a parameter, and checks such a url against the egress policy", async () => {
    await assert.rejects(run({ url: target.url, subject: "orders.x", tls, auth: basic }, { url: "nats://127.0.0.1:4222" }), failsWith(ErrorCodes.ParameterFailed, false, /credentials in auth are sent only to the configured url/));
    await assert.rejects(run({ url: "nats://nats.example.com:4222", subject: "orders.x" }, { url: target.url }), failsWith(ErrorCodes.EgressDenied, false, /internal address/));
  });
});

it("runs the nats-trigger example: orders published per region to another NATS", async () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-nats-example-"));
  const example = join(repoRoot, "manifests/examples/nats-trigger");
  const port = await freePort();
  adaptExample(join(example, "eventsource.yaml"), join(dir, "eventsource.yaml"), [['"12013"', `"${port}"`]]);
  adaptExample(join(example, "sensor.yaml"), join(dir, "sensor.yaml"), [
    ["url: nats://fulfilment-nats.example.svc:4222", `url: ${target.url}\n          tls: {caCertSecret: {name: nats-ca, key: ca.crt}}`],
  ]);
  const secretsDir = join(dir, "secrets");
  mkdirSync(join(secretsDir, "fulfilment-nats"), { recursive: true });
  mkdirSync(join(secretsDir, "nats-ca"), { recursive: true });
  writeFileSync(join(secretsDir, "fulfilment-nats", "user"), "impulse\n");
  writeFileSync(join(secretsDir, "fulfilment-nats", "password"), PASSWORD + "\n");
  writeFileSync(join(secretsDir, "nats-ca", "ca.crt"), caPem);
  const common = ["--nats-url", bus.url, "--namespace", "nats-example", "--log-level", "warn", "--secrets-dir", secretsDir];
  await startRuntime("sensor", join(dir, "sensor.yaml"), common, procs);
  await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs);
  const r = await request(`http://127.0.0.1:${port}/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ id: "o-1001", region: "us", total: 42 }) });
  assert.equal(r.statusCode, 200);
  await r.body.dump();
  const [m] = await waitFor("published", () => on("orders.us").length === 1 && on("orders.us"));
  assert.deepEqual(m!.data, { orderId: "o-1001", total: 42 });
});
