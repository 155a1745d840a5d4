// The msTeams trigger against a local Teams webhook stand-in (test/kit/teams-webhook.ts; Teams cannot be reached) and a real nats-server.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ErrorCodes, ImpulseError, type MsTeamsTriggerTemplate } from "@impulse/api";
import { freePort, type NatsServer } from "@impulse/bus";
import { triggerDefinitions } from "@impulse/sensor";
import { request } from "undici";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { adaptExample } from "../../kit/examples.js";
import { capturingLogger, testLogger } from "../../kit/log.js";
import { startNats } from "../../kit/nats.js";
import { sensor } from "../../kit/resources.js";
import { metricValue, startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { startTeamsWebhooks, type TeamsWebhooks } from "../../kit/teams-webhook.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let teams: TeamsWebhooks;
const started: Started[] = [];
const procs: CliProcess[] = [];

const secrets = async (ref: { name: string; key: string }) => {
  const urls: Record<string, string> = { connector: teams.connectorUrl, workflows: teams.workflowsUrl, deleted: teams.deletedUrl };
  if (ref.name === "teams" && urls[ref.key]) return urls[ref.key]!;
  throw new ImpulseError(ErrorCodes.SecretNotFound, `secret ${ref.name}/${ref.key} not found`);
};
const webhook = (key: string) => ({ name: "teams", key });

before(async () => {
  [nats, teams] = await Promise.all([startNats(), startTeamsWebhooks()]);
});
after(async () => {
  for (const p of procs) await p.stop();
  for (const s of started.reverse()) await s.stop();
  await teams?.close();
  await nats?.stop();
});

const dep = { name: "d", eventSourceName: "src", eventName: "e" };
const withTitle = (t: string) => teams.received.filter((r) => JSON.stringify(r.body).includes(t));

async function pipeline(ns: string, triggers: unknown[], logger = testLogger()) {
  const hook = await startWebhook(nats.url, ns, "src");
  started.push(hook);
  const s = await startSensor(nats.url, ns, sensor(ns, { dependencies: [dep], triggers }), { secrets, logger });
  started.push(s);
  return { send: hook.send, sensor: s };
}

describe("msTeams trigger through a sensor", () => {
  it("posts a MessageCard with title, text, facts and sections to a connector webhook; the URL is never logged", async () => {
    const { logger, lines } = capturingLogger();
    const { send, sensor: s } = await pipeline(
      "teams-card",
      [
        {
          template: {
            name: "card",
            msTeams: {
              webhookUrl: webhook("connector"),
              title: "placeholder",
              text: "The **orders** service is degraded.",
              themeColor: "FFA500",
              facts: "[]",
              sections: JSON.stringify([{ activityTitle: "Runbook", text: "See the on-call page." }]),
              parameters: [
                { src: { dependencyName: "d", dataTemplate: "card-test {{ .Input.body.app }}" }, dest: "title" },
                { src: { dependencyName: "d", dataTemplate: '[{"name": "Replicas", "value": "{{ .Input.body.replicas }}"}]' }, dest: "facts" },
              ],
            },
          },
        },
      ],
      logger,
    );
    await send({ app: "orders", replicas: 2 });
    const [post] = await waitFor("received", () => withTitle("card-test orders").length === 1 && withTitle("card-test orders"));
    assert.equal(post!.kind, "connector");
    assert.deepEqual(post!.body, {
      "@type": "MessageCard",
      "@context": "https://schema.org/extensions",
      title: "card-test orders",
      summary: "card-test orders",
      text: "The **orders** service is degraded.",
      themeColor: "FFA500",
      sections: [{ activityTitle: "Runbook", text: "See the on-call page." }, { facts: [{ name: "Replicas", value: "2" }] }],
    });
    assert.match(post!.idempotencyKey ?? "", /^[0-9a-f]{32}$/);
    await waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    const log = lines.join("");
    assert.match(log, /trigger card fired: teams messageCard HTTP 200/);
    assert.ok(!log.includes(new URL(teams.connectorUrl).pathname), "the webhook URL (the credential) appears in no log line");
  });

  it("posts an Adaptive Card to a Workflows URL (format chosen from the URL)", async () => {
    const { send, sensor: s } = await pipeline("teams-workflows", [
      {
        template: {
          name: "flow",
          msTeams: {
            webhookUrl: webhook("workflows"),
            title: "workflows-test",
            text: "Deployment finished",
            themeColor: "Good",
            facts: JSON.stringify([{ name: "Version", value: "1.4.2" }]),
            potentialAction: JSON.stringify([{ "@type": "OpenUri", name: "Open", targets: [{ os: "default", uri: "https://example.com/run/1" }] }]),
          },
        },
      },
    ]);
    await send({});
    await waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    const [post] = withTitle("workflows-test");
    assert.equal(post!.kind, "workflows");
    const card = (post!.body["attachments"] as { content: Record<string, unknown> }[])[0]!.content;
    assert.deepEqual(card["body"], [
      { type: "TextBlock", text: "workflows-test", size: "Large", weight: "Bolder", wrap: true, color: "Good" },
      { type: "TextBlock", text: "Deployment finished", wrap: true },
      { type: "FactSet", facts: [{ title: "Version", value: "1.4.2" }] },
    ]);
    assert.deepEqual(card["actions"], [{ type: "Action.OpenUrl", title: "Open", url: "https://example.com/run/1" }]);
  });

  it("waits out a 429 with Retry-After, and retries a connector's 200-with-error answer", async () => {
    const { send, sensor: s } = await pipeline("teams-throttled", [
      { template: { name: "busy", msTeams: { webhookUrl: webhook("connector"), text: "throttle-test" } }, retryStrategy: { steps: 3, duration: "20ms" } },
    ]);
    teams.throttleNext(1, 1);
    teams.fail200Next(1, "Microsoft Teams endpoint returned HTTP error 429 with ContextId tcid=0,server=msgapi-production");
    await send({});
    await waitFor("fired", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    assert.equal(withTitle("throttle-test").length, 1);
    assert.equal(await metricValue(s.registry, "impulse_sensor_trigger_retries_total"), 1, "the 200-with-error answer cost one retry; the 429 wait none");
  });

  it("fails a deleted webhook (404) at once and hands the events to the dlqTrigger", async () => {
    const { logger, lines } = capturingLogger();
    const { send, sensor: s } = await pipeline(
      "teams-dlq",
      [
        {
          template: { name: "gone", msTeams: { webhookUrl: webhook("deleted"), text: "dlq-test" } },
          retryStrategy: { steps: 3, duration: "20ms" },
          dlqTrigger: { template: { name: "dead", msTeams: { webhookUrl: webhook("connector"), text: "dlq-test dead letter" } }, retryStrategy: { steps: 1 } },
        },
      ],
      logger,
    );
    await send({});
    await waitFor("dead-lettered", async () => (await metricValue(s.registry, "impulse_sensor_events_dead_lettered_total")) === 1);
    assert.equal(await metricValue(s.registry, "impulse_sensor_trigger_retries_total", { trigger: "gone" }), 0);
    assert.equal(withTitle("dlq-test dead letter").length, 1);
    assert.match(lines.join(""), /Teams webhook at 127\.0\.0\.1:\d+: HTTP 404: Webhook not found/);
  });
});

describe("msTeams trigger executor", () => {
  const def = triggerDefinitions.get("msTeams")!;
  const ac = new AbortController();
  after(() => ac.abort());
  const run = (t: MsTeamsTriggerTemplate) =>
    def
      .create({ sensorName: "direct", triggerName: "t", logger: testLogger(), secrets, kubeConfig: () => { throw new Error("unused"); }, signal: ac.signal })
      .execute({ template: t, payload: undefined, events: {}, idempotencyKey: "k", logger: testLogger() }, ac.signal);
  const failsWith = (code: string, retryable: boolean, text: RegExp) => (e: unknown) => {
    assert.ok(e instanceof ImpulseError, String(e));
    assert.deepEqual([e.code, e.retryable], [code, retryable], e.message);
    assert.match(e.message, text);
    return true;
  };

  it("surfaces the webhook's 400 and 413 answers, not retryable", async () => {
    await assert.rejects(run({ webhookUrl: webhook("workflows"), format: "messageCard", text: "x" }), failsWith(ErrorCodes.TriggerFailed, false, /HTTP 400: .*InvalidRequestContent/));
    await assert.rejects(run({ webhookUrl: webhook("connector"), text: "x".repeat(30_000) }), failsWith(ErrorCodes.TriggerFailed, false, /HTTP 413/));
  });

  it("refuses a card with nothing in it and facts that are not a JSON array", async () => {
    await assert.rejects(run({ webhookUrl: webhook("connector") }), failsWith(ErrorCodes.ParameterFailed, false, /nothing to post/));
    await assert.rejects(run({ webhookUrl: webhook("connector"), text: "x", facts: "{}" }), failsWith(ErrorCodes.ParameterFailed, false, /facts is not a JSON array/));
  });
});

it("runs the ms-teams-trigger example: a card for each failed backup", async () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-teams-example-"));
  const example = join(repoRoot, "manifests/examples/ms-teams-trigger");
  const port = await freePort();
  adaptExample(join(example, "eventsource.yaml"), join(dir, "eventsource.yaml"), [['"12012"', `"${port}"`]]);
  adaptExample(join(example, "sensor.yaml"), join(dir, "sensor.yaml"), []);
  mkdirSync(join(dir, "secrets", "teams-webhook"), { recursive: true });
  writeFileSync(join(dir, "secrets", "teams-webhook", "url"), teams.connectorUrl + "\n");
  const common = ["--nats-url", nats.url, "--namespace", "teams-example", "--log-level", "warn", "--secrets-dir", join(dir, "secrets")];
  await startRuntime("sensor", join(dir, "sensor.yaml"), common, procs);
  await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs);
  const post = async (body: unknown) => {
    const r = await request(`http://127.0.0.1:${port}/backups`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    assert.equal(r.statusCode, 200);
    await r.body.dump();
  };
  await post({ job: "search-index", result: "succeeded", duration: "3m", log: "https://ci.example.com/jobs/811" });
  await post({ job: "orders-db", result: "failed", duration: "14m", log: "https://ci.example.com/jobs/812" });
  const [card] = await waitFor("the card", () => withTitle("Backup orders-db failed").length === 1 && withTitle("Backup orders-db failed"));
  assert.deepEqual(card!.body["sections"], [{ facts: [{ name: "Job", value: "orders-db" }, { name: "Duration", value: "14m" }] }]);
  assert.deepEqual(card!.body["potentialAction"], [{ "@type": "OpenUri", name: "Open the log", targets: [{ os: "default", uri: "https://ci.example.com/jobs/812" }] }]);
  assert.equal(card!.body["themeColor"], "D70000");
  assert.equal(withTitle("search-index").length, 0, "a successful backup posts nothing");
});
