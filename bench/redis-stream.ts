// Redis stream → bus events/s: the redisStream EventSource against a raw ioredis → JetStream loop with the same guarantees.
import { findNatsServer, startNatsServer } from "@impulse/bus";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import type { Redis } from "ioredis";
import { startRedis, type RedisServer } from "../test/kit/redis.js";
import { impulseSourceRate, medianRate as median, storedRate, type SourceBenchResult } from "./source-rate.js";

const ENTRIES = Number(process.env["BENCH_REDIS_ENTRIES"] ?? 20000);
const STREAM = "bench";
/** Entries per XREADGROUP, the same for both pipelines (the source's maxMsgCountPerRead). */
const COUNT = 50;
const PAD = "x".repeat(1024 - 40);

async function fill(c: Redis): Promise<void> {
  for (let i = 0; i < ENTRIES; i += 1000) {
    const p = c.pipeline();
    for (let j = i; j < Math.min(ENTRIES, i + 1000); j++) p.xadd(STREAM, "*", "body", JSON.stringify({ n: j, pad: PAD }));
    await p.exec();
  }
}

const rate = (pipeline: string, count: () => number | Promise<number>) => storedRate(pipeline, ENTRIES, count);

async function impulse(redis: RedisServer, natsUrl: string, group: string): Promise<SourceBenchResult> {
  return impulseSourceRate(natsUrl, { redisStream: { entries: { hostAddress: redis.address, streams: [STREAM], consumerGroup: group, maxMsgCountPerRead: COUNT } } }, ENTRIES, "impulse redisStream source");
}

/** The least work with the same guarantees: read a batch through the group, publish each with a msg id, await the PubAck, XACK. */
async function floor(redis: RedisServer, natsUrl: string, group: string): Promise<SourceBenchResult> {
  const nc = await connect({ servers: natsUrl });
  const jsm = await jetstreamManager(nc);
  await jsm.streams.add({ name: "floor", subjects: ["floor.>"] });
  const js = jetstream(nc);
  const c = redis.client();
  const enc = new TextEncoder();
  let stored = 0;
  const loop = (async () => {
    while (stored < ENTRIES) {
      const res = (await c.xreadgroup("GROUP", group, "floor", "COUNT", COUNT, "BLOCK", 1000, "STREAMS", STREAM, ">")) as [string, [string, string[]][]][] | null;
      for (const [stream, entries] of res ?? [])
        for (const [entryId, fields] of entries) {
          const id = `bench:entries:${redis.address}/0:${stream}:${entryId}`;
          await js.publish("floor.bench.entries", enc.encode(JSON.stringify({ id, data: { stream, message_id: entryId, values: { [fields[0]!]: fields[1] } } })), { msgID: id });
          await c.xack(stream, group, entryId);
          stored++;
        }
    }
  })();
  try {
    return await rate("raw floor (ioredis → JetStream)", () => stored);
  } finally {
    await loop;
    c.disconnect();
    await nc.close();
  }
}


/** Alternates the two pipelines `rounds` times, each on a fresh nats-server and a fresh consumer group (created at the start). */
export async function benchRedisStream(rounds: number): Promise<{ floor: SourceBenchResult; impulse: SourceBenchResult; rounds: { floor: SourceBenchResult[]; impulse: SourceBenchResult[] } }> {
  const binary = findNatsServer(process.env["NATS_SERVER_BIN"], process.env["PATH"]);
  if (!binary) throw new Error("nats-server not found: run bash tools/nats/install.sh");
  const redis = await startRedis();
  const runs = { floor: [] as SourceBenchResult[], impulse: [] as SourceBenchResult[] };
  try {
    const admin = redis.client();
    await fill(admin);
    for (let i = 0; i < rounds; i++) {
      for (const [name, run] of [["floor", floor], ["impulse", impulse]] as const) {
        const group = `bench-${name}-${i}`;
        await admin.xgroup("CREATE", STREAM, group, "0");
        const nats = await startNatsServer({ binary });
        try {
          runs[name].push(await run(redis, nats.url, group));
        } finally {
          await nats.stop();
        }
      }
      console.error(`redisStream round ${i + 1}: floor ${runs.floor[i]!.perSec} ev/s, impulse ${runs.impulse[i]!.perSec} ev/s`);
    }
  } finally {
    await redis.stop();
  }
  return { floor: median(runs.floor), impulse: median(runs.impulse), rounds: runs };
}
