// The email trigger against a real SMTP server (Mailpit: STARTTLS, implicit TLS, AUTH) and a real nats-server; received mail read back from Mailpit's API.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ErrorCodes, ImpulseError, type EmailTriggerTemplate, type Trigger } from "@impulse/api";
import { freePort, type NatsServer } from "@impulse/bus";
import { triggerDefinitions } from "@impulse/sensor";
import { request } from "undici";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { adaptExample } from "../../kit/examples.js";
import { capturingLogger, testLogger } from "../../kit/log.js";
import { startMailpit, type Mailpit } from "../../kit/mailpit.js";
import { startNats } from "../../kit/nats.js";
import { sensor } from "../../kit/resources.js";
import { metricValue, startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { waitFor } from "../../kit/wait.js";

const PASSWORD = "smtp-pa55word-never-logged";
let nats: NatsServer;
let starttls: Mailpit;
let implicit: Mailpit;
const started: Started[] = [];
const procs: CliProcess[] = [];

const secrets = async (ref: { name: string; key: string }) => {
  if (ref.name === "smtp" && ref.key === "password") return PASSWORD;
  if (ref.name === "smtp" && ref.key === "wrong") return "not-the-password";
  if (ref.name === "smtp-ca" && ref.key === "starttls") return starttls.caPem;
  if (ref.name === "smtp-ca" && ref.key === "implicit") return implicit.caPem;
  throw new ImpulseError(ErrorCodes.SecretNotFound, `secret ${ref.name}/${ref.key} not found`);
};

before(async () => {
  [nats, starttls, implicit] = await Promise.all([
    startNats(),
    startMailpit({ tls: "starttls", users: { "alerts@example.com": PASSWORD } }),
    startMailpit({ tls: "implicit", users: { "alerts@example.com": PASSWORD } }),
  ]);
});
after(async () => {
  for (const p of procs) await p.stop();
  for (const s of started.reverse()) await s.stop();
  await Promise.all([starttls?.stop(), implicit?.stop()]);
  await nats?.stop();
});

const dep = { name: "d", eventSourceName: "src", eventName: "e" };
const base = (m: Mailpit, tlsKey: "starttls" | "implicit"): EmailTriggerTemplate => ({
  host: m.host,
  port: m.smtpPort,
  username: "alerts@example.com",
  smtpPassword: { name: "smtp", key: "password" },
  from: "alerts@example.com",
  to: ["team@example.com"],
  subject: "placeholder",
  body: "placeholder",
  tls: { caCertSecret: { name: "smtp-ca", key: tlsKey } },
});
const withSubject = async (m: Mailpit, marker: string) => (await m.messages()).filter((x) => x.Subject.includes(marker));

async function pipeline(ns: string, triggers: unknown[], logger = testLogger()) {
  const hook = await startWebhook(nats.url, ns, "src");
  started.push(hook);
  const s = await startSensor(nats.url, ns, sensor(ns, { dependencies: [dep], triggers }), { secrets, logger });
  started.push(s);
  return { send: hook.send, sensor: s };
}

describe("email trigger through a sensor", () => {
  it("sends one message per recipient over STARTTLS with AUTH, parameters applied; the password is never logged", async () => {
    const { logger, lines } = capturingLogger();
    const { send, sensor: s } = await pipeline(
      "email-starttls",
      [
        {
          template: { name: "mail", email: base(starttls, "starttls") },
          parameters: [
            { src: { dependencyName: "d", dataKey: "body.oncall" }, dest: "email.to.-1" },
            { src: { dependencyName: "d", dataTemplate: "starttls-test: {{ .Input.body.service }} is down" }, dest: "email.subject" },
            { src: { dependencyName: "d", dataTemplate: "Hi,\n\n{{ .Input.body.service }} answers {{ .Input.body.status }}.\n" }, dest: "email.body" },
          ],
        },
      ],
      logger,
    );
    await send({ oncall: "ana@example.com", service: "payments", status: 503 });
    const mails = await waitFor("two messages", () => withSubject(starttls, "starttls-test").then((m) => m.length === 2 && m));
    assert.deepEqual(mails.map((m) => m.To.map((t) => t.Address)).sort(), [["ana@example.com"], ["team@example.com"]], "each recipient gets a message addressed only to them");
    for (const m of mails) {
      assert.equal(m.Subject, "starttls-test: payments is down");
      assert.equal(m.Text.replace(/\r\n/g, "\n"), "Hi,\n\npayments answers 503.\n");
      assert.equal(m.From.Address, "alerts@example.com");
      assert.equal(m.Username, "alerts@example.com", "sent with SMTP AUTH");
      assert.match(m.MessageID, /^[0-9a-f]{32}\.[0-9a-f]{12}@example\.com$/);
    }
    const keys = mails.map((m) => m.headers["X-Impulse-Idempotency-Key"]?.[0]);
    assert.ok(keys[0] && keys[0] === keys[1], "one idempotency key for the firing");
    assert.notEqual(mails[0]!.MessageID, mails[1]!.MessageID);
    await waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    const log = lines.join("");
    assert.match(log, /trigger mail fired: email to 2 recipients via 127\.0\.0\.1:\d+/);
    assert.ok(!log.includes(PASSWORD), "the SMTP password appears in no log line");
  });

  it("sends over implicit TLS (secure: true)", async () => {
    const { send, sensor: s } = await pipeline("email-implicit", [
      { template: { name: "mail", email: { ...base(implicit, "implicit"), secure: true, subject: "implicit-tls-test", body: "over TLS from the first byte" } } },
    ]);
    await send({});
    await waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    const [m] = await withSubject(implicit, "implicit-tls-test");
    assert.equal(m!.Text.trim(), "over TLS from the first byte");
  });

  it("retries a 4xx answer from the server, then delivers", async () => {
    const { send, sensor: s } = await pipeline("email-451", [
      { template: { name: "mail", email: { ...base(starttls, "starttls"), subject: "transient-test", body: "b" } }, retryStrategy: { steps: 30, duration: "200ms" } },
    ]);
    await starttls.failRecipients(451);
    try {
      await send({});
      await waitFor("a retry", async () => (await metricValue(s.registry, "impulse_sensor_trigger_retries_total")) >= 1);
    } finally {
      await starttls.failRecipients(0);
    }
    await waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    assert.equal((await withSubject(starttls, "transient-test")).length, 1);
  });

  it("does not retry rejected credentials and hands the events to the dlqTrigger", async () => {
    const { logger, lines } = capturingLogger();
    const { send, sensor: s } = await pipeline(
      "email-auth",
      [
        {
          template: { name: "mail", email: { ...base(starttls, "starttls"), smtpPassword: { name: "smtp", key: "wrong" }, subject: "auth-test", body: "b" } },
          retryStrategy: { steps: 3, duration: "20ms" },
          dlqTrigger: { template: { name: "dead", email: { ...base(starttls, "starttls"), to: ["dead-letters@example.com"], subject: "auth-test dead letter", body: "b" } }, retryStrategy: { steps: 1 } },
        },
      ],
      logger,
    );
    await send({});
    await waitFor("dead-lettered", async () => (await metricValue(s.registry, "impulse_sensor_events_dead_lettered_total")) === 1);
    assert.equal(await metricValue(s.registry, "impulse_sensor_trigger_retries_total", { trigger: "mail" }), 0);
    const mails = await withSubject(starttls, "auth-test");
    assert.deepEqual(mails.map((m) => [m.Subject, m.To[0]!.Address]), [["auth-test dead letter", "dead-letters@example.com"]]);
    assert.match(lines.join(""), /email to team@example.com via 127\.0\.0\.1:\d+: Invalid login: 535/);
  });
});

describe("email trigger executor", () => {
  const def = triggerDefinitions.get("email")!;
  const ac = new AbortController();
  after(() => ac.abort());
  const run = (configured: EmailTriggerTemplate, t: Partial<EmailTriggerTemplate> = {}) =>
    def
      .create({
        sensorName: "direct", triggerName: "t", logger: testLogger(), secrets, kubeConfig: () => { throw new Error("unused"); }, signal: ac.signal,
        template: { name: "t", email: configured } as Trigger["template"],
      })
      .execute({ template: { ...configured, ...t }, payload: undefined, events: {}, idempotencyKey: "0123456789abcdef0123456789abcdef", logger: testLogger() }, ac.signal);
  const failsWith = (code: string, retryable: boolean, text: RegExp) => (e: unknown) => {
    assert.ok(e instanceof ImpulseError, String(e));
    assert.deepEqual([e.code, e.retryable], [code, retryable], e.message);
    assert.match(e.message, text);
    assert.ok(!e.message.includes(PASSWORD));
    return true;
  };

  it("refuses empty or invalid fields before connecting, as Argo does", async () => {
    const c = base(starttls, "starttls");
    await assert.rejects(run(c, { to: [] }), failsWith(ErrorCodes.ParameterFailed, false, /to is empty/));
    await assert.rejects(run(c, { to: ["ana@example.com", "not an address"] }), failsWith(ErrorCodes.ParameterFailed, false, /invalid addresses: "not an address"/));
    await assert.rejects(run(c, { subject: "" }), failsWith(ErrorCodes.ParameterFailed, false, /subject is empty/));
  });

  it("does not retry a 550 for a recipient", async () => {
    await starttls.failRecipients(550);
    try {
      await assert.rejects(run(base(starttls, "starttls")), failsWith(ErrorCodes.TriggerFailed, false, /email to team@example.com via .*550/));
    } finally {
      await starttls.failRecipients(0);
    }
  });

  it("fails when the server's certificate is not trusted", async () => {
    const { tls: _none, ...untrusted } = base(starttls, "starttls");
    await assert.rejects(run(untrusted), failsWith(ErrorCodes.TriggerFailed, true, /certificate/));
  });

  it("refuses a host set by a parameter that is an internal address, and retries when nothing listens", async () => {
    const c = base(starttls, "starttls");
    await assert.rejects(run({ ...c, host: "smtp.example.com" }, { host: "127.0.0.1" }), failsWith(ErrorCodes.EgressDenied, false, /internal address/));
    await assert.rejects(run({ ...c, port: 1 }), failsWith(ErrorCodes.TriggerFailed, true, /email to team@example.com via 127\.0\.0\.1:1/));
  });
});

it("runs the email-trigger example: critical alerts mailed to the team and the person on call", async () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-email-example-"));
  const example = join(repoRoot, "manifests/examples/email-trigger");
  const port = await freePort();
  adaptExample(join(example, "eventsource.yaml"), join(dir, "eventsource.yaml"), [['"12011"', `"${port}"`]]);
  adaptExample(join(example, "sensor.yaml"), join(dir, "sensor.yaml"), [
    ["host: smtp.example.com", `host: ${starttls.host}`],
    ["port: 587", `port: ${starttls.smtpPort}`],
    ["# tls: {caCertSecret", "tls: {caCertSecret"],
  ]);
  const secretsDir = join(dir, "secrets");
  mkdirSync(join(secretsDir, "smtp-secret"), { recursive: true });
  mkdirSync(join(secretsDir, "smtp-ca"), { recursive: true });
  writeFileSync(join(secretsDir, "smtp-secret", "password"), PASSWORD + "\n");
  writeFileSync(join(secretsDir, "smtp-ca", "ca.crt"), starttls.caPem);
  const common = ["--nats-url", nats.url, "--namespace", "email-example", "--log-level", "warn", "--secrets-dir", secretsDir];
  await startRuntime("sensor", join(dir, "sensor.yaml"), common, procs);
  await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs);
  const post = async (body: unknown) => {
    const r = await request(`http://127.0.0.1:${port}/alerts`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    assert.equal(r.statusCode, 200);
    await r.body.dump();
  };
  await post({ severity: "warning", service: "search", summary: "slow", oncall: "bo@example.com" });
  await post({ severity: "critical", service: "payments", summary: "error rate 12%", oncall: "ana@example.com" });
  const mails = await waitFor("two messages", () => withSubject(starttls, "[critical] payments").then((m) => m.length === 2 && m));
  assert.deepEqual(mails.map((m) => m.To[0]!.Address).sort(), ["ana@example.com", "platform-team@example.com"]);
  assert.equal(mails[0]!.Subject, "[critical] payments: error rate 12%");
  assert.equal(mails[0]!.Text.replace(/\r\n/g, "\n").trim(), "payments reports: error rate 12%\n\nYou are on call for it.");
  assert.equal((await withSubject(starttls, "search")).length, 0, "the warning was filtered out");
});
