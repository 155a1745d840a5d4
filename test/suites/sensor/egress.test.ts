// The http trigger's egress policy against real HTTP servers on 127.0.0.1: a URL from event data cannot reach an internal service.
import assert from "node:assert/strict";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { after, before, describe, it } from "node:test";
import { ErrorCodes, ImpulseError, type EgressPolicy, type HttpTriggerTemplate, type Trigger } from "@impulse/api";
import type { NatsServer } from "@impulse/bus";
import { triggerDefinitions } from "@impulse/sensor";
import { testLogger } from "../../kit/log.js";
import { startNats } from "../../kit/nats.js";
import { sensor } from "../../kit/resources.js";
import { metricValue, startSensor, startWebhook, type Started } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

const SECRET = "s3cret-token";
const secrets = async () => SECRET;
const secureHeaders = [{ name: "X-Token", valueFrom: { secretKeyRef: { name: "tok", key: "token" } } }];

let hook: Sink; // the target the template is configured with
let admin: Sink; // "the internal admin service" an attacker aims dest: url at
let redirector: Server; // answers 302 to the admin service
let redirectUrl: string;

before(async () => {
  hook = await startSink();
  admin = await startSink();
  redirector = createServer((_req, res) => res.writeHead(302, { Location: `${admin.url}/via-redirect` }).end());
  await new Promise<void>((r) => redirector.listen(0, "127.0.0.1", r));
  redirectUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
});
after(async () => {
  await hook.close();
  await admin.close();
  await new Promise((r) => (redirector.closeAllConnections(), redirector.close(r)));
});

describe("http trigger egress policy (executor)", () => {
  const def = triggerDefinitions.get("http")!;
  const ac = new AbortController();
  after(() => ac.abort());
  /** An executor whose template is configured with `configured` and that is fired at `url` (as a dest: url parameter would). */
  const fireAt = (url: string, opts: { egress?: EgressPolicy; processEgress?: EgressPolicy; configured?: string } = {}) => {
    const configured: HttpTriggerTemplate = { url: opts.configured ?? `${hook.url}/hook`, secureHeaders };
    const executor = def.create({
      sensorName: "s", triggerName: "t", logger: testLogger(), secrets, kubeConfig: () => { throw new Error("unused"); }, signal: ac.signal,
      template: { name: "t", http: configured } as Trigger["template"],
      egress: [
        ...(opts.processEgress ? [{ source: "the process-wide egress policy", policy: opts.processEgress }] : []),
        ...(opts.egress ? [{ source: "spec.egressPolicy", policy: opts.egress }] : []),
      ],
    });
    return executor.execute({ template: { ...configured, url }, payload: { n: 1 }, events: {}, idempotencyKey: "k", logger: testLogger() }, ac.signal) as Promise<{ status: number }>;
  };
  const refused = (why: RegExp) => (e: unknown) => {
    assert.ok(e instanceof ImpulseError, String(e));
    assert.equal(e.code, ErrorCodes.EgressDenied);
    assert.equal(e.retryable, false);
    assert.match(e.message, why);
    return true;
  };

  it("calls the template's own loopback url, with its secret header", async () => {
    assert.equal((await fireAt(`${hook.url}/hook?x=1`)).status, 200);
    const got = hook.received.at(-1)!;
    assert.equal(got.path, "/hook?x=1");
    assert.equal(got.headers["x-token"], SECRET);
  });

  it("refuses an internal address taken from event data: the admin service receives nothing", async () => {
    await assert.rejects(fireAt(`${admin.url}/admin/delete-everything`), refused(/127\.0\.0\.1 \(loopback\).*not at one set from event data/));
    await assert.rejects(fireAt(`http://localhost:${new URL(admin.url).port}/admin`), refused(/localhost resolves to .* \(loopback\)/));
    await assert.rejects(fireAt(`http://[::ffff:127.0.0.1]:${new URL(admin.url).port}/admin`), refused(/loopback/));
    assert.equal(admin.received.length, 0);
  });

  it("refuses link-local and cloud metadata addresses even in the template, without connecting", async () => {
    await assert.rejects(fireAt("http://169.254.169.254/latest/meta-data/", { configured: "http://169.254.169.254/" }), refused(/cloud metadata|linkLocal/));
    await assert.rejects(fireAt("http://[fe80::1]/"), refused(/linkLocal/));
    await assert.rejects(fireAt("http://[fd00:ec2::254]/"), refused(/cloud metadata/));
    await assert.rejects(fireAt("http://0.0.0.0:1/"), refused(/unspecified/));
  });

  it("an allow entry opens an internal target; secret headers still go only to the configured host", async () => {
    const before = admin.received.length;
    assert.equal((await fireAt(`${admin.url}/allowed`, { egress: { allow: ["127.0.0.1"] } })).status, 200);
    const plain = admin.received.at(-1)!;
    assert.equal(admin.received.length, before + 1);
    assert.equal(plain.path, "/allowed");
    assert.equal(plain.headers["x-token"], undefined, "no secret to a host the template does not name");
    await fireAt(`${admin.url}/with-secret`, { egress: { allow: ["127.0.0.0/8"], secureHeaders: "allowedHosts" } });
    assert.equal(admin.received.at(-1)!.headers["x-token"], SECRET);
  });

  it("with allow set, only listed targets pass; deny wins over allow and over the configured url", async () => {
    await assert.rejects(fireAt(`${hook.url}/hook`, { egress: { allow: ["api.example.com"] } }), refused(/not in spec\.egressPolicy\.allow/));
    await assert.rejects(fireAt(`${hook.url}/hook`, { egress: { allow: ["127.0.0.1"], deny: ["127.0.0.0/8"] } }), refused(/denied by spec\.egressPolicy\.deny "127\.0\.0\.0\/8"/));
    await assert.rejects(fireAt(`${hook.url}/hook`, { processEgress: { deny: ["127.0.0.1"] }, egress: { allow: ["127.0.0.1"] } }), refused(/denied by the process-wide egress policy\.deny/));
    await assert.rejects(fireAt(`${admin.url}/x`, { processEgress: { allow: ["10.0.0.0/8"] }, egress: { allow: ["127.0.0.1"] } }), refused(/not in the process-wide egress policy\.allow/));
  });

  it("awsLambda endpoint and kafka brokers changed by parameters are judged as URLs from events, before any connection", async () => {
    const create = (template: Trigger["template"]) =>
      triggerDefinitions.get(Object.keys(template).find((k) => k !== "name")!)!.create({
        sensorName: "s", triggerName: "t", logger: testLogger(), secrets, kubeConfig: () => { throw new Error("unused"); }, signal: ac.signal, template, egress: [],
      });
    const fire = (executor: ReturnType<typeof create>, template: unknown) =>
      executor.execute({ template, payload: {}, events: {}, idempotencyKey: "k", logger: testLogger() }, ac.signal);
    const lambdaTpl = { functionName: "f", region: "us-east-1", endpoint: "http://127.0.0.1:1" };
    const lambda = create({ name: "t", awsLambda: lambdaTpl } as Trigger["template"]);
    await assert.rejects(fire(lambda, { ...lambdaTpl, endpoint: `${admin.url}/` }), refused(/loopback/));
    await assert.rejects(fire(lambda, { ...lambdaTpl, endpoint: "http://169.254.169.254/" }), refused(/cloud metadata|linkLocal/));
    const kafkaTpl = { url: "127.0.0.1:1", topic: "t" };
    const kafka = create({ name: "t", kafka: kafkaTpl } as Trigger["template"]);
    await assert.rejects(fire(kafka, { ...kafkaTpl, url: "127.0.0.1:1, 127.0.0.2:9092" }), refused(/refused kafka:\/\/127\.0\.0\.1:1: .*loopback/));
  });

  it("does not follow redirects: a 302 towards the admin service is the result, not a second request", async () => {
    const before = admin.received.length;
    const r = await fireAt(`${redirectUrl}/go`, { configured: `${redirectUrl}/go` });
    assert.equal(r.status, 302);
    assert.throws(() => def.applyPolicy(r, undefined), /HTTP 302 is not allowed/);
    assert.equal(admin.received.length, before);
  });
});

describe("http trigger egress policy (sensor on a real bus)", () => {
  let nats: NatsServer;
  const started: Started[] = [];
  before(async () => (nats = await startNats()));
  after(async () => {
    for (const s of started.reverse()) await s.stop();
    await nats.stop();
  });

  it("a refused url fails the firing once, with the reason, and is not retried", async () => {
    const webhook = await startWebhook(nats.url, "egress", "src");
    started.push(webhook);
    const s = await startSensor(
      nats.url,
      "egress",
      sensor("egress", {
        dependencies: [{ name: "d", eventSourceName: "src", eventName: "e" }],
        triggers: [
          {
            template: {
              name: "forward",
              http: {
                url: `${hook.url}/hook`,
                secureHeaders,
                payload: [{ src: { dependencyName: "d", dataKey: "body.n" }, dest: "n" }],
                parameters: [{ src: { dependencyName: "d", dataKey: "body.target" }, dest: "url" }],
              },
            },
            retryStrategy: { steps: 4, duration: "20ms" },
          },
        ],
      }),
      { secrets },
    );
    started.push(s);
    const hookBefore = hook.received.length;
    await webhook.send({ n: 1, target: `${hook.url}/hook` });
    await waitFor("fired at the configured url", async () => (await metricValue(s.registry, "impulse_sensor_triggers_fired_total")) === 1);
    assert.equal(hook.received.length, hookBefore + 1);
    assert.equal(hook.received.at(-1)!.headers["x-token"], SECRET);

    const adminBefore = admin.received.length;
    await webhook.send({ n: 2, target: `${admin.url}/admin` });
    await waitFor("failed", async () => (await metricValue(s.registry, "impulse_sensor_triggers_failed_total")) === 1);
    assert.equal(await metricValue(s.registry, "impulse_sensor_trigger_retries_total"), 0, "a refused url is not retried");
    assert.equal(admin.received.length, adminBefore, "the admin service received nothing");
  });

  it("the process-wide policy applies to every Sensor of the process", async () => {
    const webhook = await startWebhook(nats.url, "egress-default", "src");
    started.push(webhook);
    const s = await startSensor(
      nats.url,
      "egress-default",
      sensor("egress-default", {
        dependencies: [{ name: "d", eventSourceName: "src", eventName: "e" }],
        triggers: [{ template: { name: "t", http: { url: `${hook.url}/hook` } }, retryStrategy: { steps: 3, duration: "20ms" } }],
      }),
      { egressPolicy: { deny: [`127.0.0.1`] } },
    );
    started.push(s);
    const hookBefore = hook.received.length;
    await webhook.send({ n: 3 });
    await waitFor("failed", async () => (await metricValue(s.registry, "impulse_sensor_triggers_failed_total")) === 1);
    assert.equal(await metricValue(s.registry, "impulse_sensor_trigger_retries_total"), 0);
    assert.equal(hook.received.length, hookBefore);
  });
});
