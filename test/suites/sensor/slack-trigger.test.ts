// The slack trigger against a local Slack Web API stand-in (test/kit/slack-api.ts; Slack cannot be reached) and a real nats-server.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ErrorCodes, ImpulseError, type SlackTriggerTemplate, type Trigger } from "@impulse/api";
import { freePort, type NatsServer } from "@impulse/bus";
import { triggerDefinitions } from "@impulse/sensor";
import { request } from "undici";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { adaptExample } from "../../kit/examples.js";
import { capturingLogger, testLogger } from "../../kit/log.js";
import { startNats } from "../../kit/nats.js";
import { sensor } from "../../kit/resources.js";
import { metricValue, startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { startSlackApi, type SlackApi } from "../../kit/slack-api.js";
import { waitFor } from "../../kit/wait.js";

const TOKEN = "xoxb-impulse-test-0123456789";
const secrets = async (ref: { name: string; key: string }) => {
  if (ref.name === "slack-secret" && ref.key === "token") return TOKEN;
  if (ref.name === "slack-secret" && ref.key === "wrong") return "xoxb-revoked";
  throw new ImpulseError(ErrorCodes.SecretNotFound, `secret ${ref.name}/${ref.key} not found`);
};
const slackToken = { name: "slack-secret", key: "token" };

let nats: NatsServer;
let slack: SlackApi;
const started: Started[] = [];
const procs: CliProcess[] = [];

before(async () => {
  nats = await startNats();
  slack = await startSlackApi({
    tokens: [TOKEN],
    channels: [
      { id: "C0ALERTS", name: "alerts" },
      { id: "C0DEPLOY", name: "deployments" },
      { id: "C0DEAD", name: "dead-letters" },
      { id: "C0OLD", name: "old", archived: true },
    ],
  });
});
after(async () => {
  for (const p of procs) await p.stop();
  for (const s of started.reverse()) await s.stop();
  await slack?.close();
  await nats?.stop();
});

const dep = { name: "d", eventSourceName: "src", eventName: "e" };
const inChannel = (id: string, marker: string) => slack.messages.filter((m) => m.channel === id && m.text.includes(marker));

async function pipeline(ns: string, triggers: unknown[], logger = testLogger()) {
  const hook = await startWebhook(nats.url, ns, "src");
  started.push(hook);
  const s = await startSensor(nats.url, ns, sensor(ns, { dependencies: [dep], triggers }), { secrets, logger });
  started.push(s);
  return { send: hook.send, sensor: s };
}

describe("slack trigger through a sensor", () => {
  it("posts the message with parameters applied, blocks, sender and the idempotency key; the token is never logged", async () => {
    const { logger, lines } = capturingLogger();
    const { send, sensor: s } = await pipeline(
      "slack-post",
      [
        {
          template: {
            name: "notify",
            slack: {
              slackToken,
              apiUrl: slack.url,
              channel: "#placeholder",
              message: "placeholder",
              blocks: JSON.stringify([{ type: "section", text: { type: "mrkdwn", text: "*build finished*" } }]),
              sender: { username: "CI bot", icon: ":robot_face:" },
              parameters: [{ src: { dependencyName: "d", dataKey: "body.channel" }, dest: "channel" }],
            },
          },
          parameters: [{ src: { dependencyName: "d", dataTemplate: "build {{ .Input.body.build }} {{ .Input.body.result }}" }, dest: "slack.message" }],
        },
      ],
      logger,
    );
    await send({ channel: "#alerts", build: 42, result: "passed" });
    const [m] = await waitFor("posted", () => inChannel("C0ALERTS", "build 42").length === 1 && inChannel("C0ALERTS", "build 42"));
    assert.equal(m!.text, "build 42 passed");
    assert.deepEqual(m!.blocks, [{ type: "section", text: { type: "mrkdwn", text: "*build finished*" } }]);
    assert.equal(m!.username, "CI bot");
    assert.equal(m!.icon_emoji, ":robot_face:");
    assert.equal(m!.thread_ts, undefined);
    assert.match(m!.contentType ?? "", /^application\/json/);
    const meta = m!.metadata as { event_type: string; event_payload: { idempotency_key: string; sensor: string; trigger: string } };
    assert.equal(meta.event_type, "impulse_firing");
    assert.match(meta.event_payload.idempotency_key, /^[0-9a-f]{32}$/);
    assert.deepEqual([meta.event_payload.sensor, meta.event_payload.trigger], ["slack-post", "notify"]);
    await waitFor("counted as fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    const log = lines.join("");
    assert.match(log, /trigger notify fired: slack C0ALERTS ts \d+\.\d+/);
    assert.ok(!log.includes(TOKEN), "the Slack token appears in no log line");
  });

  it("threads messages by messageAggregationKey; a restarted sensor still replies in the thread it started", async () => {
    const trigger = {
      template: {
        name: "threaded",
        slack: {
          slackToken,
          apiUrl: slack.url,
          channel: "deployments",
          message: "placeholder",
          thread: { messageAggregationKey: "placeholder", broadcastMessageToChannel: true },
          parameters: [
            { src: { dependencyName: "d", dataTemplate: "thread-test {{ .Input.body.app }} {{ .Input.body.n }}" }, dest: "message" },
            { src: { dependencyName: "d", dataKey: "body.app" }, dest: "thread.messageAggregationKey" },
          ],
        },
      },
    };
    const ns = "slack-threads";
    const hook = await startWebhook(nats.url, ns, "src");
    started.push(hook);
    const first = await startSensor(nats.url, ns, sensor(ns, { dependencies: [dep], triggers: [trigger] }), { secrets });
    const posted = (n: number) => waitFor(`${n} thread-test messages`, () => inChannel("C0DEPLOY", "thread-test").length === n && inChannel("C0DEPLOY", "thread-test"));
    await hook.send({ app: "checkout", n: 1 });
    await posted(1);
    await hook.send({ app: "checkout", n: 2 });
    await posted(2);
    await hook.send({ app: "search", n: 3 });
    const before = await posted(3);
    await first.stop();

    const second = await startSensor(nats.url, ns, sensor(ns, { dependencies: [dep], triggers: [trigger] }), { secrets });
    started.push(second);
    await hook.send({ app: "checkout", n: 4 });
    const all = await posted(4);
    const [c1, c2, s3, c4] = all;
    assert.deepEqual(before.map((m) => m.text), ["thread-test checkout 1", "thread-test checkout 2", "thread-test search 3"]);
    assert.equal(c1!.thread_ts, undefined, "the first message about an app starts its thread");
    assert.equal(c2!.thread_ts, c1!.ts);
    assert.equal(c2!.reply_broadcast, true);
    assert.equal(s3!.thread_ts, undefined, "another key, another thread");
    assert.equal(c4!.text, "thread-test checkout 4");
    assert.equal(c4!.thread_ts, c1!.ts, "the thread is found again after the restart (kept on the bus)");
  });

  it("waits out 429 with Retry-After and posts once, without using a retry", async () => {
    const { logger, lines } = capturingLogger();
    const { send, sensor: s } = await pipeline(
      "slack-429",
      [{ template: { name: "limited", slack: { slackToken, apiUrl: slack.url, channel: "alerts", message: "rate-limit-test" } }, retryStrategy: { steps: 1 } }],
      logger,
    );
    slack.rateLimitNext(2, 1);
    await send({});
    await waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    assert.equal(inChannel("C0ALERTS", "rate-limit-test").length, 1);
    assert.equal(await metricValue(s.registry, "impulse_sensor_trigger_retries_total"), 0);
    const waits = lines.filter((l) => l.includes("rate limited (429)")).map((l) => JSON.parse(l) as { retryAfterMs: number });
    assert.deepEqual(waits.map((w) => w.retryAfterMs), [1000, 1000]);
  });

  it("fails on Slack's ok:false with its error text: channel_not_found is not retried and goes to the dlqTrigger", async () => {
    const { logger, lines } = capturingLogger();
    const { send, sensor: s } = await pipeline(
      "slack-dlq",
      [
        {
          template: { name: "lost", slack: { slackToken, apiUrl: slack.url, channel: "#no-such-channel", message: "dlq-test" } },
          retryStrategy: { steps: 3, duration: "20ms" },
          dlqTrigger: { template: { name: "dead", slack: { slackToken, apiUrl: slack.url, channel: "#dead-letters", message: "dlq-test dead letter" } }, retryStrategy: { steps: 1 } },
        },
      ],
      logger,
    );
    await send({});
    await waitFor("dead-lettered", async () => (await metricValue(s.registry, "impulse_sensor_events_dead_lettered_total")) === 1);
    assert.equal(await metricValue(s.registry, "impulse_sensor_trigger_retries_total", { trigger: "lost" }), 0);
    assert.equal(inChannel("C0DEAD", "dlq-test dead letter").length, 1);
    assert.match(lines.join(""), /Slack chat.postMessage to no-such-channel: Slack answered channel_not_found/);
  });

  it("retries Slack's transient errors (internal_error) and then posts", async () => {
    const { send, sensor: s } = await pipeline("slack-transient", [
      { template: { name: "flaky", slack: { slackToken, apiUrl: slack.url, channel: "alerts", message: "transient-test" } }, retryStrategy: { steps: 3, duration: "20ms" } },
    ]);
    slack.failNext(1, "internal_error");
    await send({});
    await waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    assert.equal(await metricValue(s.registry, "impulse_sensor_trigger_retries_total"), 1);
    assert.equal(inChannel("C0ALERTS", "transient-test").length, 1);
  });
});

describe("slack trigger executor", () => {
  const def = triggerDefinitions.get("slack")!;
  const ac = new AbortController();
  after(() => ac.abort());
  const configured: SlackTriggerTemplate = { slackToken, channel: "alerts", message: "direct-test" };
  const executor = (template: SlackTriggerTemplate, egress: { deny?: string[] } = {}) =>
    def.create({
      sensorName: "direct", triggerName: "t", logger: testLogger(), secrets, kubeConfig: () => { throw new Error("unused"); }, signal: ac.signal,
      template: { name: "t", slack: template } as Trigger["template"],
      egress: [{ source: "spec.egressPolicy", policy: egress }],
    });
  const run = (t: Partial<SlackTriggerTemplate>, configuredApi = slack.url, egress?: { deny?: string[] }) =>
    executor({ ...configured, apiUrl: configuredApi }, egress).execute({ template: { ...configured, apiUrl: configuredApi, ...t }, payload: undefined, events: {}, idempotencyKey: "k", logger: testLogger() }, ac.signal);
  const failsWith = (code: string, retryable: boolean, text: RegExp) => (e: unknown) => {
    assert.ok(e instanceof ImpulseError, String(e));
    assert.deepEqual([e.code, e.retryable], [code, retryable]);
    assert.match(e.message, text);
    assert.ok(!e.message.includes(TOKEN));
    return true;
  };

  it("names Slack's error for a revoked token, an archived channel and a message with nothing to post", async () => {
    await assert.rejects(run({ slackToken: { name: "slack-secret", key: "wrong" } }), failsWith(ErrorCodes.TriggerFailed, false, /Slack answered invalid_auth/));
    await assert.rejects(run({ channel: "#old" }), failsWith(ErrorCodes.TriggerFailed, false, /Slack answered is_archived/));
    await assert.rejects(run({ message: "" }), failsWith(ErrorCodes.ParameterFailed, false, /nothing to post/));
    await assert.rejects(run({ channel: "" }), failsWith(ErrorCodes.ParameterFailed, false, /channel is empty/));
  });

  it("refuses an apiUrl changed by a parameter, before the token is read", async () => {
    await assert.rejects(run({ apiUrl: "http://127.0.0.1:1/api/" }), failsWith(ErrorCodes.ParameterFailed, false, /apiUrl cannot be set by a parameter/));
  });

  it("applies the egress policy to the API's address, and retries when nothing answers", async () => {
    await assert.rejects(run({}, slack.url, { deny: ["127.0.0.0/8"] }), failsWith(ErrorCodes.EgressDenied, false, /denied by spec.egressPolicy.deny/));
    await assert.rejects(run({}, "http://127.0.0.1:1/api/"), failsWith(ErrorCodes.TriggerFailed, true, /Slack chat.postMessage to alerts/));
  });
});

it("runs the slack-trigger example: one thread per app, the token from the mounted Secret", async () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-slack-example-"));
  const example = join(repoRoot, "manifests/examples/slack-trigger");
  const port = await freePort();
  adaptExample(join(example, "eventsource.yaml"), join(dir, "eventsource.yaml"), [['"12010"', `"${port}"`]]);
  adaptExample(join(example, "sensor.yaml"), join(dir, "sensor.yaml"), [["# apiUrl: https://slack.com/api/", `apiUrl: ${slack.url}`]]);
  mkdirSync(join(dir, "secrets", "slack-secret"), { recursive: true });
  writeFileSync(join(dir, "secrets", "slack-secret", "token"), TOKEN + "\n");
  const common = ["--nats-url", nats.url, "--namespace", "slack-example", "--log-level", "warn", "--secrets-dir", join(dir, "secrets")];
  await startRuntime("sensor", join(dir, "sensor.yaml"), common, procs);
  await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs);
  const post = async (body: unknown) => {
    const r = await request(`http://127.0.0.1:${port}/deployments`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    assert.equal(r.statusCode, 200);
    await r.body.dump();
  };
  const deploys = () => slack.messages.filter((m) => m.channel === "C0DEPLOY" && m.username === "Deploy bot");
  await post({ app: "checkout", version: "1.4.2", status: "succeeded", by: "ana" });
  await waitFor("the first message", () => deploys().length === 1);
  await post({ app: "checkout", version: "1.4.3", status: "failed", by: "bo" });
  const [first, second] = await waitFor("the reply", () => deploys().length === 2 && deploys());
  assert.equal(first!.text, "checkout 1.4.2: succeeded (by ana)");
  assert.equal(first!.icon_emoji, ":rocket:");
  assert.equal(second!.text, "checkout 1.4.3: failed (by bo)");
  assert.equal(second!.thread_ts, first!.ts);
  assert.equal(second!.reply_broadcast, true);
});
