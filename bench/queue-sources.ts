// AMQP → bus and MQTT → bus events/s: each Impulse source against a raw client → JetStream loop with the same guarantees
// (one message at a time: publish with a msg id, await the PubAck, then ack upstream), on the same broker and messages.
import { findNatsServer, startNatsServer } from "@impulse/bus";
import { jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect as natsConnect } from "@nats-io/transport-node";
import { connect as amqpConnect } from "amqplib";
import { connect as mqttConnect, connectAsync, type IPublishPacket } from "mqtt";
import { amqpPublish } from "../test/kit/amqp-io.js";
import { startMosquitto } from "../test/kit/mosquitto.js";
import { rabbitMqMissing, startRabbitMq } from "../test/kit/rabbitmq.js";
import { impulseSourceRate, medianRate as median, storedRate, type SourceBenchResult } from "./source-rate.js";

const MESSAGES = Number(process.env["BENCH_QUEUE_MESSAGES"] ?? 5000);
const PAD = "x".repeat(1024 - 40);
const payload = (n: number) => JSON.stringify({ n, pad: PAD });

/** One broker: `fill` puts MESSAGES where `channel` will read them; `config` is the Impulse event; `floor` the raw loop. */
interface Broker {
  name: string;
  fill(channel: string): Promise<void>;
  config(channel: string): Record<string, unknown>;
  floor(channel: string, store: (id: string, data: unknown) => Promise<void>): Promise<() => Promise<void>>;
  stop(): Promise<void>;
}

const rate = (pipeline: string, count: () => number | Promise<number>) => storedRate(pipeline, MESSAGES, count);

async function rabbit(): Promise<Broker> {
  const r = await startRabbitMq();
  const queue = { durable: true, exclusive: false, autoDelete: false };
  return {
    name: "amqp",
    fill: async (channel) => {
      const c = await amqpConnect(r.url);
      const ch = await c.createChannel();
      await ch.assertExchange("bench", "direct", { durable: true });
      await ch.assertQueue(channel, queue);
      await ch.bindQueue(channel, "bench", channel);
      await c.close();
      for (let i = 0; i < MESSAGES; i += 1000)
        await amqpPublish(r.url, "bench", "direct", Array.from({ length: Math.min(1000, MESSAGES - i) }, (_, j) => ({ body: payload(i + j), routingKey: channel, options: { messageId: `m${i + j}` } })));
    },
    config: (channel) => ({ url: r.url, exchangeName: "bench", exchangeType: "direct", routingKey: channel, jsonBody: true, queueDeclare: { name: channel, ...queue } }),
    floor: async (channel, store) => {
      const c = await amqpConnect(r.url);
      const ch = await c.createChannel();
      await ch.prefetch(64);
      let chain = Promise.resolve();
      await ch.consume(channel, (m) => {
        if (!m) return;
        chain = chain.then(async () => {
          await store(String(m.properties.messageId), { routingKey: m.fields.routingKey, body: JSON.parse(m.content.toString()) });
          ch.ack(m);
        });
      });
      return async () => void (await c.close());
    },
    stop: () => r.stop(),
  };
}

async function mosquitto(): Promise<Broker> {
  const b = await startMosquitto();
  return {
    name: "mqtt",
    // A persistent session subscribed first, so the broker queues every message for the client that reads them.
    fill: async (channel) => {
      const sub = await connectAsync(b.url, { clientId: channel, clean: false, protocolVersion: 4 });
      await sub.subscribeAsync(channel, { qos: 1 });
      await sub.endAsync();
      const pub = await connectAsync(b.url, { clientId: `${channel}-pub` });
      await Promise.all(Array.from({ length: MESSAGES }, (_, i) => pub.publishAsync(channel, payload(i), { qos: 1 })));
      await pub.endAsync();
    },
    config: (channel) => ({ url: b.tcpUrl, topic: channel, clientId: channel, jsonBody: true }),
    floor: async (channel, store) => {
      // The PUBACK goes out when handleMessage calls back (as in the source); set before any packet can arrive.
      const c = mqttConnect(b.url, { clientId: channel, clean: false, protocolVersion: 4 });
      c.handleMessage = (packet: IPublishPacket, done: (e?: Error) => void) => {
        store(`${channel}:${packet.messageId}:${Math.random()}`, { topic: packet.topic, body: JSON.parse(packet.payload.toString()) }).then(() => done(), done);
      };
      return async () => void (await c.endAsync(true));
    },
    stop: () => b.stop(),
  };
}

async function impulse(broker: Broker, natsUrl: string, channel: string): Promise<SourceBenchResult> {
  return impulseSourceRate(natsUrl, { [broker.name]: { msgs: broker.config(channel) } }, MESSAGES, `impulse ${broker.name} source`);
}

async function floor(broker: Broker, natsUrl: string, channel: string): Promise<SourceBenchResult> {
  const nc = await natsConnect({ servers: natsUrl });
  await (await jetstreamManager(nc)).streams.add({ name: "floor", subjects: ["floor.>"] });
  const js = jetstream(nc);
  const enc = new TextEncoder();
  let stored = 0;
  const stop = await broker.floor(channel, async (id, data) => {
    await js.publish("floor.bench.msgs", enc.encode(JSON.stringify({ id, data })), { msgID: id });
    stored++;
  });
  try {
    return await rate(`raw floor (${broker.name} client → JetStream)`, () => stored);
  } finally {
    await stop();
    await nc.close();
  }
}


export type QueueBench = Record<string, { floor: SourceBenchResult; impulse: SourceBenchResult; rounds: { floor: SourceBenchResult[]; impulse: SourceBenchResult[] } } | { skipped: string }>;

/** Alternates floor and Impulse `rounds` times per broker, each on a fresh nats-server and freshly filled channel. */
export async function benchQueueSources(rounds: number, which: string[]): Promise<QueueBench> {
  const binary = findNatsServer(process.env["NATS_SERVER_BIN"], process.env["PATH"]);
  if (!binary) throw new Error("nats-server not found: run bash tools/nats/install.sh");
  const out: QueueBench = {};
  for (const [name, start] of [["amqp", rabbit], ["mqtt", mosquitto]] as const) {
    if (!which.includes(name)) continue;
    if (name === "amqp" && rabbitMqMissing()) {
      out[name] = { skipped: rabbitMqMissing()! };
      continue;
    }
    const broker = await start();
    const runs = { floor: [] as SourceBenchResult[], impulse: [] as SourceBenchResult[] };
    try {
      for (let i = 0; i < rounds; i++) {
        for (const [kind, run] of [["floor", floor], ["impulse", impulse]] as const) {
          const channel = `bench-${kind}-${i}`;
          await broker.fill(channel);
          const nats = await startNatsServer({ binary });
          try {
            runs[kind].push(await run(broker, nats.url, channel));
          } finally {
            await nats.stop();
          }
        }
        console.error(
          `${name} round ${i + 1}: floor ${runs.floor[i]!.perSec} ev/s (${runs.floor[i]!.cpuUsPerEvent} µs CPU/event), impulse ${runs.impulse[i]!.perSec} ev/s (${runs.impulse[i]!.cpuUsPerEvent} µs CPU/event)`,
        );
      }
    } finally {
      await broker.stop();
    }
    out[name] = { floor: median(runs.floor), impulse: median(runs.impulse), rounds: runs };
  }
  return out;
}
