// The raw floor pipeline: node:http → JetStream publish (await PubAck) → pull consumer → one filter → HTTP POST → ack.
// The least work that gives the same guarantees as Impulse's path, written directly on the libraries.
import { createServer } from "node:http";
import { randomUUID } from "node:crypto";
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { Pool } from "undici";

const [natsUrl, portArg, sinkUrl] = process.argv.slice(2);
process.on("SIGINT", () => process.exit(0));
process.on("SIGTERM", () => process.exit(0));
const nc = await connect({ servers: natsUrl! });
const jsm = await jetstreamManager(nc);
const js = jetstream(nc);
await jsm.streams.add({ name: "floor", subjects: ["floor.>"] });
await jsm.consumers.add("floor", { durable_name: "floor", ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.New, max_ack_pending: 1000 });
const sink = new Pool(new URL(sinkUrl!).origin, { connections: 32 });
const enc = new TextEncoder();

createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c: Buffer) => chunks.push(c));
  req.on("end", async () => {
    try {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      const id = randomUUID().replaceAll("-", "");
      await js.publish("floor.webhook.example", enc.encode(JSON.stringify({ id, data: { body } })), { msgID: id });
      res.writeHead(200).end("ok");
    } catch (e) {
      res.writeHead(503).end(String(e));
    }
  });
}).listen(Number(portArg), "127.0.0.1", () => console.log("ready"));

if (process.env["FLOOR_NO_CONSUME"]) await new Promise(() => {});
const consumer = await js.consumers.get("floor", "floor");
const messages = await consumer.consume({ max_messages: 32 });
const inFlight = new Set<Promise<void>>();
for await (const m of messages) {
  while (inFlight.size >= 32) await Promise.race(inFlight);
  const p = (async () => {
    const event = m.json<{ data: { body: { n: number; sent: number } } }>();
    if (event.data.body.n >= 0) {
      const r = await sink.request({ path: "/sink", method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ sent: event.data.body.sent }) });
      await r.body.dump();
    }
    m.ack();
  })().finally(() => inFlight.delete(p));
  inFlight.add(p);
}
