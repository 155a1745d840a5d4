// Kafka → bus events/s: the kafka EventSource against a raw kafkajs → JetStream loop with the same guarantees, on one broker.
import { findNatsServer, startNatsServer } from "@impulse/bus";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { Kafka, logLevel } from "kafkajs";
import { startKafka, type KafkaBroker } from "../test/kit/kafka.js";
import { impulseSourceRate, medianRate as median, storedRate, type SourceBenchResult } from "./source-rate.js";

const RECORDS = Number(process.env["BENCH_KAFKA_RECORDS"] ?? 20000);
const PARTITIONS = 4;
const TOPIC = "bench";
const PAD = "x".repeat(1024 - 40);

async function fill(broker: KafkaBroker): Promise<void> {
  const kafka = new Kafka({ clientId: "bench", brokers: broker.brokers, logLevel: logLevel.NOTHING });
  const admin = kafka.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: PARTITIONS }], waitForLeaders: true });
  await admin.disconnect();
  const producer = kafka.producer();
  await producer.connect();
  for (let i = 0; i < RECORDS; i += 1000)
    await producer.send({ topic: TOPIC, messages: Array.from({ length: Math.min(1000, RECORDS - i) }, (_, j) => ({ key: `k${(i + j) % 64}`, value: JSON.stringify({ n: i + j, pad: PAD }) })) });
  await producer.disconnect();
}

const rate = (pipeline: string, count: () => number | Promise<number>) => storedRate(pipeline, RECORDS, count);

async function impulse(broker: KafkaBroker, natsUrl: string, group: string): Promise<SourceBenchResult> {
  return impulseSourceRate(natsUrl, { kafka: { records: { url: broker.url, topic: TOPIC, jsonBody: true, consumerGroup: { groupName: group, oldest: true } } } }, RECORDS, "impulse kafka source");
}

/** The least work with the same guarantees: per partition in order, publish with a msg id, await the PubAck, then commit. */
async function floor(broker: KafkaBroker, natsUrl: string, group: string): Promise<SourceBenchResult> {
  const nc = await connect({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: "floor", subjects: ["floor.>"] });
  const js = jetstream(nc);
  const consumer = new Kafka({ clientId: "floor", brokers: broker.brokers, logLevel: logLevel.NOTHING }).consumer({ groupId: group, maxWaitTimeInMs: 1000 });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  let stored = 0;
  const enc = new TextEncoder();
  await consumer.run({
    autoCommit: true,
    autoCommitInterval: 1000,
    eachBatchAutoResolve: false,
    partitionsConsumedConcurrently: 16,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat }) => {
      for (const m of batch.messages) {
        const id = `bench:records:${broker.url}:${batch.topic}:${batch.partition}:${m.offset}`;
        const data = { topic: batch.topic, partition: batch.partition, key: m.key?.toString() ?? "", body: JSON.parse(m.value!.toString()) };
        await js.publish("floor.bench.records", enc.encode(JSON.stringify({ id, data })), { msgID: id });
        stored++;
        resolveOffset(m.offset);
        await commitOffsetsIfNecessary();
        await heartbeat();
      }
    },
  });
  try {
    return await rate("raw floor (kafkajs → JetStream)", () => stored);
  } finally {
    await consumer.disconnect();
    await nc.close();
  }
}


/** Alternates the two pipelines `rounds` times, each on a fresh nats-server and a fresh consumer group. */
export async function benchKafka(rounds: number): Promise<{ floor: SourceBenchResult; impulse: SourceBenchResult; rounds: { floor: SourceBenchResult[]; impulse: SourceBenchResult[] } }> {
  const binary = findNatsServer(process.env["NATS_SERVER_BIN"], process.env["PATH"]);
  if (!binary) throw new Error("nats-server not found: run bash tools/nats/install.sh");
  const broker = await startKafka();
  const runs = { floor: [] as SourceBenchResult[], impulse: [] as SourceBenchResult[] };
  try {
    await fill(broker);
    for (let i = 0; i < rounds; i++) {
      for (const [name, run] of [["floor", floor], ["impulse", impulse]] as const) {
        const nats = await startNatsServer({ binary });
        try {
          runs[name].push(await run(broker, nats.url, `bench-${name}-${i}`));
        } finally {
          await nats.stop();
        }
      }
      console.error(`kafka round ${i + 1}: floor ${runs.floor[i]!.perSec} ev/s, impulse ${runs.impulse[i]!.perSec} ev/s`);
    }
  } finally {
    await broker.stop();
  }
  return { floor: median(runs.floor), impulse: median(runs.impulse), rounds: runs };
}
