// The sqs EventSource against a real moto_server: the source contract (delete after the bus stored, redelivery after a
// crash stored once), Argo's data shape, dlq with a redrive policy, credentials from Secrets with roleARN, the example.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import { tapBus, type Tap } from "../../kit/bus-tap.js";
import type { CliProcess } from "../../kit/cli.js";
import { MOTO_CREDENTIALS, MOTO_REGION, startMoto, type MotoServer } from "../../kit/moto.js";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { runExample } from "../../kit/run-example.js";
import { metricValue, startEventSource } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { sourceContract } from "../../kit/source-contract.js";
import { sqsIo, type SqsIo } from "../../kit/sqs-io.js";
import { waitFor } from "../../kit/wait.js";

// Sources without accessKey use the SDK's default chain: the environment, inherited by the spawned CLI processes too.
process.env["AWS_ACCESS_KEY_ID"] = MOTO_CREDENTIALS.accessKeyId;
process.env["AWS_SECRET_ACCESS_KEY"] = MOTO_CREDENTIALS.secretAccessKey;

sourceContract({
  type: "sqs",
  guarantee: "at-least-once",
  // A message the killed process held reappears after its visibility timeout (5 s here).
  restartTimeoutMs: 60_000,
  async start() {
    const moto = await startMoto();
    let io = sqsIo(moto);
    const urls = new Map<string, string>();
    const published = new Map<string, number>();
    return {
      eventConfig: (queue) => ({ region: MOTO_REGION, queue, endpoint: moto.endpoint, jsonBody: true, waitTimeSeconds: 1, visibilityTimeout: 5 }),
      prepare: async (queue) => void urls.set(queue, await io.createQueue(queue)),
      publish: async (queue, payloads) => {
        for (const p of payloads) await io.send(urls.get(queue)!, p);
        published.set(queue, (published.get(queue) ?? 0) + payloads.length);
      },
      expectData: (d) => {
        assert.match(String(d["messageId"]), /^[0-9a-f-]{36}$/);
        assert.deepEqual(d["messageAttributes"], {});
        return d["body"];
      },
      // Deleted messages: published minus those still on the queue (visible or held by a reader).
      acknowledged: async (queue) => (published.get(queue) ?? 0) - (await io.remaining(urls.get(queue)!)),
      down: () => moto.pause(),
      // moto keeps state in memory: its queues come back empty, as after an SQS outage that lost nothing acknowledged.
      up: async () => {
        await moto.start();
        io.close();
        io = sqsIo(moto);
        for (const q of urls.keys()) await io.createQueue(q);
      },
      stop: async () => {
        io.close();
        await moto.stop();
      },
    };
  },
});

describe("sqs EventSource", () => {
  let moto: MotoServer;
  let io: SqsIo;
  let bus: NatsServer;
  let sink: Sink;
  const running: { stop(): Promise<void> }[] = [];
  const procs: CliProcess[] = [];
  before(async () => {
    [moto, bus, sink] = await Promise.all([startMoto(), startNats(), startSink()]);
    io = sqsIo(moto);
  });
  after(async () => {
    for (const p of procs) await p.stop();
    for (const r of running.reverse()) await r.stop();
    io?.close();
    await sink?.close();
    await moto?.stop();
    await bus?.stop();
  });
  async function tap(ns: string, event: string): Promise<Tap> {
    const t = await tapBus(bus.url, ns, "q", event);
    running.push(t);
    return t;
  }
  async function es(ns: string, events: Record<string, unknown>, secrets?: (ref: { name: string; key: string }) => Promise<string>) {
    const s = await startEventSource(bus.url, ns, eventSource("q", { sqs: events }), secrets ? { secrets } : {});
    running.push(s);
    await waitFor("reading", () => s.running.health().healthy, 30_000);
    return s;
  }

  it("gives Argo's data (messageId, messageAttributes, base64 body, metadata) with the MessageId in a stable event id", async () => {
    const url = await io.createQueue("shape");
    const t = await tap("shape", "in");
    await es("shape", { in: { region: MOTO_REGION, queue: "shape", endpoint: moto.endpoint, metadata: { team: "x" } } });
    const id = await io.send(url, "plain text", { kind: { DataType: "String", StringValue: "order" } });
    await waitFor("the message", () => t.events.length === 1);
    const e = t.events[0]!;
    assert.deepEqual(e.data, {
      messageId: id,
      messageAttributes: { kind: { DataType: "String", StringValue: "order" } },
      body: Buffer.from("plain text").toString("base64"),
      metadata: { team: "x" },
    });
    assert.equal(e.id, `q:in:sqs:shape:${id}`);
    await waitFor("deleted after it was stored", async () => (await io.remaining(url)) === 0);
  });

  it("with dlq, leaves a poison message on the queue so the redrive policy moves it to the dead-letter queue", async () => {
    const dlqUrl = await io.createQueue("orders-dlq");
    const url = await io.createQueue("orders-main", { RedrivePolicy: JSON.stringify({ deadLetterTargetArn: await io.arn(dlqUrl), maxReceiveCount: "2" }) });
    const t = await tap("dlq", "in");
    const s = await es("dlq", { in: { region: MOTO_REGION, queue: "orders-main", endpoint: moto.endpoint, jsonBody: true, dlq: true, waitTimeSeconds: 1, visibilityTimeout: 1 } });
    await io.send(url, "not json {");
    await io.send(url, JSON.stringify({ ok: true }));
    await waitFor("the good message", () => t.events.length === 1);
    await waitFor("the poison message on the dead-letter queue", async () => (await io.remaining(dlqUrl)) === 1, 30_000);
    assert.ok((await metricValue(s.registry, "impulse_eventsource_events_failed_total", { reason: "poison" })) >= 2, "counted each time it was received");
    assert.equal(await io.remaining(url), 0);
    assert.deepEqual((t.events[0]!.data as { body: unknown }).body, { ok: true });
  });

  it("signs with keys and a session token from Secrets, through a role assumed with STS (roleARN), on a queue of queueAccountId", async () => {
    const url = await io.createQueue("cross");
    const t = await tap("creds", "in");
    const asked: string[] = [];
    const secrets = async (ref: { name: string; key: string }) => {
      asked.push(`${ref.name}/${ref.key}`);
      return ref.key === "token" ? "session-token" : "testing";
    };
    await es(
      "creds",
      {
        in: {
          region: MOTO_REGION,
          queue: "cross",
          queueAccountId: "123456789012",
          endpoint: moto.endpoint,
          accessKey: { name: "aws", key: "id" },
          secretKey: { name: "aws", key: "secret" },
          sessionToken: { name: "aws", key: "token" },
          roleARN: "arn:aws:iam::123456789012:role/reader",
        },
      },
      secrets,
    );
    await io.send(url, "x");
    await waitFor("the message", () => t.events.length === 1);
    assert.deepEqual(asked.sort(), ["aws/id", "aws/secret", "aws/token"]);
  });

  it("runs the example (manifests/examples/sqs) end to end", async () => {
    process.env["IMPULSE_SECRET_AWS_SECRET_ACCESSKEY"] = MOTO_CREDENTIALS.accessKeyId;
    process.env["IMPULSE_SECRET_AWS_SECRET_SECRETKEY"] = MOTO_CREDENTIALS.secretAccessKey;
    const url = await io.createQueue("orders");
    await runExample(
      "sqs",
      { eventsource: [["http://localhost:4566", moto.endpoint]], sensor: [["http://localhost:8090", sink.url]] },
      { natsUrl: bus.url, namespace: "sqs-example", procs },
    );
    const id = await io.send(url, JSON.stringify({ sku: "A-1", qty: 2 }));
    await waitFor("the order posted", () => sink.received.some((r) => r.path === "/fulfil"), 30_000);
    assert.deepEqual(sink.received.find((r) => r.path === "/fulfil")!.json, { sku: "A-1", messageId: id });
    await waitFor("deleted", async () => (await io.remaining(url)) === 0);
  });
});
