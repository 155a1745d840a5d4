// Starts Google's Pub/Sub fake (pstest, wrapped by tools/pubsub/main.go and built by tools/pubsub/install.sh) for one
// test file on a free loopback port. Clients find it through PUBSUB_EMULATOR_HOST, which the Google client library
// reads (as Argo's source does): startPubSub sets it for this process and the processes it spawns.
import { execFileSync, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { freePort, stopProcess } from "@impulse/bus";
import { PubSub } from "@google-cloud/pubsub";
import { request } from "undici";
import { repoRoot } from "./cli.js";
import { stopServersOnKill } from "./reaper.js";
import { spawnServer, untilReady } from "./server-process.js";

export const PUBSUB_PROJECT = "impulse-test";

export interface PubSubFake {
  /** host:port of the gRPC API (PUBSUB_EMULATOR_HOST). */
  host: string;
  /** A client of the fake for the test's own calls. */
  client: PubSub;
  /** projects/<project>/topics/<topic> */
  topicName(topic: string): string;
  /** Creates the topic and a subscription on it; `ordered`: with message ordering (Pub/Sub orders only by ordering key). */
  createSubscription(topic: string, subscription: string, ordered?: boolean): Promise<void>;
  /** Publishes in order; with `orderingKey` an ordered subscription gets them in this order. */
  publish(topic: string, payloads: string[], o?: { attributes?: Record<string, string>; orderingKey?: string }): Promise<string[]>;
  /** How many messages published to the topic were acknowledged (from the fake's own records). */
  acked(topic: string): Promise<number>;
  /** Stops the fake until start() (it keeps no data: topics and subscriptions are gone, as after a real project reset). */
  pause(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

function pstestBinary(): string {
  return process.env["IMPULSE_PSTEST_BIN"] ?? execFileSync("bash", [join(repoRoot, "tools/pubsub/install.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"] }).trim();
}

export async function startPubSub(): Promise<PubSubFake> {
  stopServersOnKill();
  const bin = pstestBinary();
  const [port, statsPort] = [await freePort(), await freePort()];
  const host = `127.0.0.1:${port}`;
  process.env["PUBSUB_EMULATOR_HOST"] = host;
  let proc: ChildProcess | undefined;
  const launch = async () => {
    const server = spawnServer(bin, ["-addr", host, "-stats-addr", `127.0.0.1:${statsPort}`]);
    proc = server.proc;
    // The wrapper prints "listening" once its gRPC port is bound.
    await untilReady("pstest-server", server, () => server.output().includes("listening"), { intervalMs: 50 });
  };
  await launch();
  const client = new PubSub({ projectId: PUBSUB_PROJECT, apiEndpoint: host, emulatorMode: true });
  const topicName = (topic: string) => `projects/${PUBSUB_PROJECT}/topics/${topic}`;
  return {
    host,
    client,
    topicName,
    async createSubscription(topic, subscription, ordered) {
      const [t] = await client.topic(topic).get({ autoCreate: true });
      await t.createSubscription(subscription, ordered ? { enableMessageOrdering: true } : {});
    },
    async publish(topic, payloads, o = {}) {
      const [t] = await client.topic(topic, { batching: { maxMessages: 1 }, messageOrdering: o.orderingKey !== undefined }).get({ autoCreate: true });
      const ids: string[] = [];
      for (const p of payloads) ids.push(await t.publishMessage({ data: Buffer.from(p), ...(o.attributes ? { attributes: o.attributes } : {}), ...(o.orderingKey ? { orderingKey: o.orderingKey } : {}) }));
      return ids;
    },
    async acked(topic) {
      const r = await request(`http://127.0.0.1:${statsPort}/acked?topic=${encodeURIComponent(topicName(topic))}`);
      return Number(await r.body.text());
    },
    pause: async () => {
      if (proc) await stopProcess(proc);
    },
    start: launch,
    async stop() {
      await client.close().catch(() => undefined);
      if (proc) await stopProcess(proc);
    },
  };
}
