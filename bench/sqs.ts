// SQS → bus events/s: the sqs EventSource against a raw SQS client → JetStream loop with the same guarantees, on moto_server.
import { CreateQueueCommand, DeleteMessageCommand, ReceiveMessageCommand, SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { findNatsServer, startNatsServer } from "@impulse/bus";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { MOTO_CREDENTIALS, MOTO_REGION, startMoto, type MotoServer } from "../test/kit/moto.js";
import { impulseSourceRate, medianRate as median, storedRate, type SourceBenchResult } from "./source-rate.js";

// moto_server answers ~10 receive+delete round trips per second on this machine, so both pipelines are bound by it.
const MESSAGES = Number(process.env["BENCH_SQS_MESSAGES"] ?? 300);
const PAD = "x".repeat(1024 - 40);

async function fill(c: SQSClient, queueUrl: string): Promise<void> {
  for (let i = 0; i < MESSAGES; i += 10) {
    const entries = Array.from({ length: Math.min(10, MESSAGES - i) }, (_, k) => ({ Id: String(k), MessageBody: JSON.stringify({ n: i + k, pad: PAD }) }));
    await c.send(new SendMessageBatchCommand({ QueueUrl: queueUrl, Entries: entries }));
  }
}

const rate = (pipeline: string, count: () => number | Promise<number>) => storedRate(pipeline, MESSAGES, count);

async function impulse(moto: MotoServer, natsUrl: string, queue: string): Promise<SourceBenchResult> {
  return impulseSourceRate(natsUrl, { sqs: { messages: { region: MOTO_REGION, queue, endpoint: moto.endpoint, jsonBody: true, waitTimeSeconds: 1 } } }, MESSAGES, "impulse sqs source");
}

/** The least work with the same guarantees: receive a batch, publish each with a msg id, await the PubAck, delete it. */
async function floor(c: SQSClient, queueUrl: string, natsUrl: string): Promise<SourceBenchResult> {
  const nc = await connect({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: "floor", subjects: ["floor.>"] });
  const js = jetstream(nc);
  const enc = new TextEncoder();
  let stored = 0;
  const loop = (async () => {
    while (stored < MESSAGES) {
      const res = await c.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, VisibilityTimeout: 120, MessageAttributeNames: ["All"] }));
      for (const m of res.Messages ?? []) {
        const id = `bench:messages:sqs:${queueUrl}:${m.MessageId}`;
        await js.publish("floor.bench.messages", enc.encode(JSON.stringify({ id, data: { messageId: m.MessageId, messageAttributes: {}, body: JSON.parse(m.Body ?? "null") } })), { msgID: id });
        await c.send(new DeleteMessageCommand({ QueueUrl: queueUrl, ReceiptHandle: m.ReceiptHandle }));
        stored++;
      }
    }
  })();
  try {
    return await rate("raw floor (SQS client → JetStream)", () => stored);
  } finally {
    await loop;
    await nc.close();
  }
}


/** Alternates the two pipelines `rounds` times, each on a fresh nats-server and a freshly filled queue. */
export async function benchSqs(rounds: number): Promise<{ floor: SourceBenchResult; impulse: SourceBenchResult; rounds: { floor: SourceBenchResult[]; impulse: SourceBenchResult[] } }> {
  const binary = findNatsServer(process.env["NATS_SERVER_BIN"], process.env["PATH"]);
  if (!binary) throw new Error("nats-server not found: run bash tools/nats/install.sh");
  // The source uses the SDK's default credential chain here; moto accepts any keys.
  process.env["AWS_ACCESS_KEY_ID"] ??= MOTO_CREDENTIALS.accessKeyId;
  process.env["AWS_SECRET_ACCESS_KEY"] ??= MOTO_CREDENTIALS.secretAccessKey;
  const moto = await startMoto();
  const c = new SQSClient({ endpoint: moto.endpoint, region: MOTO_REGION, credentials: MOTO_CREDENTIALS });
  const runs = { floor: [] as SourceBenchResult[], impulse: [] as SourceBenchResult[] };
  try {
    for (let i = 0; i < rounds; i++) {
      for (const name of ["floor", "impulse"] as const) {
        const queue = `bench-${name}-${i}`;
        const queueUrl = (await c.send(new CreateQueueCommand({ QueueName: queue }))).QueueUrl!;
        await fill(c, queueUrl);
        const nats = await startNatsServer({ binary });
        try {
          runs[name].push(name === "floor" ? await floor(c, queueUrl, nats.url) : await impulse(moto, nats.url, queue));
        } finally {
          await nats.stop();
        }
      }
      console.error(`sqs round ${i + 1}: floor ${runs.floor[i]!.perSec} ev/s, impulse ${runs.impulse[i]!.perSec} ev/s`);
    }
  } finally {
    c.destroy();
    await moto.stop();
  }
  return { floor: median(runs.floor), impulse: median(runs.impulse), rounds: runs };
}
