// The sns EventSource against a real moto_server: moto subscribes the endpoint and really POSTs signed notifications
// (SignatureVersion 2), which are verified with moto's own certificate; confirmation, refusals, resend, unsubscribe on
// stop, and an SNS outage at start. moto's routing and what it does not do are explained in test/kit/sns-front.ts.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { tapBus, type Tap } from "../../kit/bus-tap.js";
import { MOTO_CREDENTIALS, MOTO_REGION, startMoto, type MotoServer } from "../../kit/moto.js";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { metricValue, startEventSource, type Started } from "../../kit/runtimes.js";
import { startSnsFront, type SnsFront } from "../../kit/sns-front.js";
import { snsIo, type SnsIo } from "../../kit/sns-io.js";
import type { CliProcess } from "../../kit/cli.js";
import { runExample } from "../../kit/run-example.js";
import { startSink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";
import { post } from "../../kit/webhook-post.js";

// Sources without accessKey use the SDK's default chain: the environment.
process.env["AWS_ACCESS_KEY_ID"] = MOTO_CREDENTIALS.accessKeyId;
process.env["AWS_SECRET_ACCESS_KEY"] = MOTO_CREDENTIALS.secretAccessKey;

const NS = "sns-suite";
let moto: MotoServer;
let front: SnsFront;
let nats: NatsServer;
let io: SnsIo;
const running: { stop(): Promise<void> }[] = [];

before(async () => {
  [moto, nats] = await Promise.all([startMoto(), startNats()]);
  front = await startSnsFront(moto);
  io = snsIo(moto.endpoint);
});
after(async () => {
  for (const r of running.reverse()) await r.stop().catch(() => undefined);
  io?.close();
  await front?.close();
  await moto?.stop();
  await nats?.stop();
});

type Running = Started & { running: { health(): { healthy: boolean; components: Record<string, { healthy: boolean; error?: string }> } } };
async function es(name: string, events: Record<string, unknown>): Promise<Running> {
  const s = await startEventSource(nats.url, NS, eventSource(name, { sns: events }));
  running.push(s);
  return s;
}
async function tap(name: string, event: string): Promise<Tap> {
  const t = await tapBus(nats.url, NS, name, event);
  running.push(t);
  return t;
}
const TEXT = { "content-type": "text/plain; charset=UTF-8" };

describe("sns EventSource against moto", () => {
  let topic: string;
  let url: string;
  let s: Running;
  let t: Tap;
  const failed = (reason: string) => metricValue(s.registry, "impulse_eventsource_events_failed_total", { reason });
  before(async () => {
    topic = await io.createTopic("orders");
    const port = await freePort();
    url = `http://127.0.0.1:${port}/sns`;
    t = await tap("aws", "orders");
    s = await es("aws", {
      orders: { topicArn: topic, region: MOTO_REGION, endpoint: front.endpoint, webhook: { port: String(port), endpoint: "/sns", method: "POST", url: `http://127.0.0.1:${port}` }, metadata: { team: "shop" } },
    });
    await waitFor("subscribed", () => s.running.health().healthy, 30_000);
  });

  it("subscribes the topic on start (Subscribe, http protocol, webhook.url + endpoint)", async () => {
    assert.deepEqual(await io.subscribers(topic), [url]);
  });

  it("stores moto's signed notification with Argo's {header, body, metadata}; the MessageId is the event id; a resend is stored once", async () => {
    const id = await io.publish(topic, JSON.stringify({ order: 7 }));
    const e = await waitFor("the notification", () => t.events.find((x) => x.id === id));
    const data = e.data as { header: Record<string, string[]>; body: Record<string, unknown>; metadata: unknown };
    assert.deepEqual([e.type, e.source, e.subject], ["sns", "aws", "orders"]);
    assert.deepEqual(data.metadata, { team: "shop" });
    assert.deepEqual(data.header["Content-Type"], ["text/plain; charset=UTF-8"]);
    assert.deepEqual([data.body["Type"], data.body["MessageId"], data.body["TopicArn"], data.body["Message"], data.body["SignatureVersion"]], ["Notification", id, topic, JSON.stringify({ order: 7 }), "2"]);
    // SNS redelivers the same message (same MessageId and signature) when it gets no 2xx in time.
    const again = await post(url, JSON.stringify(data.body), TEXT);
    assert.deepEqual([again.status, again.json?.["eventId"], again.json?.["duplicate"]], [200, id, true], JSON.stringify(again.json));
    const next = await io.publish(topic, "next");
    await waitFor("the next notification", () => t.events.some((x) => x.id === next));
    assert.equal(t.events.filter((x) => x.id === id).length, 1);
  });

  it("refuses a bad or missing signature and an untrusted SigningCertURL (4xx, counted, nothing stored)", async () => {
    const before = t.events.length;
    const id = await io.publish(topic, "genuine");
    const genuine = (await waitFor("a genuine notification", () => t.events.find((x) => x.id === id))).data as { body: Record<string, string> };
    const forged = { ...genuine.body, MessageId: "forged-1", Message: "transfer all the money" };
    const r1 = await post(url, JSON.stringify(forged), TEXT);
    assert.equal(r1.status, 403, JSON.stringify(r1.json));
    const { Signature: _s, ...unsigned } = { ...genuine.body, MessageId: "forged-2" } as Record<string, string>;
    assert.equal((await post(url, JSON.stringify(unsigned), TEXT)).status, 401);
    const elsewhere = await post(url, JSON.stringify({ ...genuine.body, MessageId: "forged-3", SigningCertURL: "https://attacker.example/cert.pem" }), TEXT);
    assert.equal(elsewhere.status, 403);
    assert.match(String(elsewhere.json?.["error"]), /neither an SNS host/);
    assert.equal((await post(url, JSON.stringify({ ...genuine.body, MessageId: "forged-4", SignatureVersion: "3" }), TEXT)).status, 403);
    assert.equal((await post(url, "{not json", TEXT)).status, 400);
    assert.ok((await failed("forbidden")) >= 3);
    assert.ok((await failed("unauthorized")) >= 1);
    const last = await io.publish(topic, "after the forgeries");
    await waitFor("the next genuine one", () => t.events.some((x) => x.id === last));
    assert.equal(t.events.length, before + 2, "only the two genuine notifications were stored");
    assert.ok(!t.events.some((x) => String(x.id).startsWith("forged")));
  });

  it("refuses moto's notifications that have a Subject: moto leaves Subject out of the string it signs (AWS signs it)", async () => {
    const forbiddenBefore = await failed("forbidden");
    const before = t.events.length;
    await io.publish(topic, "with a subject", "Order 8");
    await waitFor("refused", async () => (await failed("forbidden")) > forbiddenBefore);
    const last = await io.publish(topic, "no subject");
    await waitFor("the next one", () => t.events.some((x) => x.id === last));
    assert.equal(t.events.length, before + 1);
  });

  it("confirms a SubscriptionConfirmation (signature v1 and v2) by a GET of its SubscribeURL; another topic's is refused", async () => {
    for (const v of ["1", "2"] as const) {
      const c = front.confirmation(topic, v);
      const r = await post(url, JSON.stringify(c), TEXT);
      assert.deepEqual([r.status, r.json?.["status"]], [200, "confirmed"], JSON.stringify(r.json));
      assert.equal(front.confirmations.at(-1)?.get("Token"), c["Token"]);
    }
    const count = front.confirmations.length;
    const other = await post(url, JSON.stringify(front.confirmation(topic.replace(/orders$/, "someone-elses"), "2")), TEXT);
    assert.equal(other.status, 403);
    assert.equal(front.confirmations.length, count, "no GET for another topic");
    const tampered = { ...front.confirmation(topic, "2"), SubscribeURL: "http://169.254.169.254/latest/meta-data/" };
    assert.equal((await post(url, JSON.stringify(tampered), TEXT)).status, 403);
    assert.ok(!t.events.some((x) => (x.data as { body?: { Type?: string } }).body?.Type !== "Notification"), "confirmations are not events");
  });

  it("unsubscribes on stop", async () => {
    await s.stop();
    running.splice(running.indexOf(s), 1);
    assert.deepEqual(await io.subscribers(topic), []);
  });
});

describe("the sns example", () => {
  it("runs end to end: the topic subscribed, a notification posted by the Sensor's http trigger, unsubscribed at stop", async () => {
    const sink = await startSink();
    const procs: CliProcess[] = [];
    try {
      process.env["IMPULSE_SECRET_AWS_SECRET_ACCESSKEY"] = MOTO_CREDENTIALS.accessKeyId;
      process.env["IMPULSE_SECRET_AWS_SECRET_SECRETKEY"] = MOTO_CREDENTIALS.secretAccessKey;
      const topic = await io.createTopic("orders-example");
      const port = String(await freePort());
      await runExample(
        "sns",
        {
          eventsource: [
            ["arn:aws:sns:us-east-1:123456789012:orders", topic],
            ["http://localhost:4566", front.endpoint],
            ["12000", port],
            ["http://localhost", "http://127.0.0.1"],
          ],
          sensor: [["http://localhost:8090", sink.url]],
        },
        { natsUrl: nats.url, namespace: "sns-example", procs },
      );
      await waitFor("subscribed", async () => (await io.subscribers(topic)).length === 1, 30_000);
      const id = await io.publish(topic, "A-1 x2");
      await waitFor("the order posted", () => sink.received.some((r) => r.path === "/fulfil"), 30_000);
      assert.deepEqual(sink.received.find((r) => r.path === "/fulfil")!.json, { message: "A-1 x2", messageId: id });
      for (const p of procs.splice(0)) await p.stop();
      assert.deepEqual(await io.subscribers(topic), []);
    } finally {
      for (const p of procs) await p.stop();
      await sink.close();
    }
  });
});

describe("sns EventSource with the SNS endpoint down", () => {
  it("shows the failed subscription on /health, retries with backoff, and subscribes once SNS is back", async () => {
    await moto.pause();
    const port = await freePort();
    const s = await es("down", { late: { topicArn: `arn:aws:sns:${MOTO_REGION}:123456789012:late`, region: MOTO_REGION, endpoint: moto.endpoint, webhook: { port: String(port), endpoint: "/sns", url: `http://127.0.0.1:${port}` } } });
    const unhealthy = await waitFor("unhealthy", () => Object.values(s.running.health().components).find((c) => !c.healthy && /registration failed/.test(c.error ?? "")));
    assert.match(unhealthy.error!, /retrying in \d+s/);
    await waitFor("retried", async () => (await metricValue(s.registry, "impulse_eventsource_upstream_errors_total", { reason: "registration" })) >= 2, 30_000);
    await moto.start();
    const back = snsIo(moto.endpoint);
    try {
      const topic = await back.createTopic("late");
      await waitFor("subscribed after the outage", () => s.running.health().healthy, 60_000);
      assert.deepEqual(await back.subscribers(topic), [`http://127.0.0.1:${port}/sns`]);
    } finally {
      back.close();
    }
  });
});
