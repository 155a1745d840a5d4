// The amqp example (manifests/examples/amqp), run as pods run it: `impulse eventsource` and `impulse sensor` processes.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import { amqpPublish } from "../../kit/amqp-io.js";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { adaptExample } from "../../kit/examples.js";
import { startNats } from "../../kit/nats.js";
import { rabbitMqMissing, startRabbitMq, type RabbitMq } from "../../kit/rabbitmq.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

const missing = rabbitMqMissing();
let rabbit: RabbitMq;
let nats: NatsServer;
let sink: Sink;
const procs: CliProcess[] = [];

before(async () => {
  if (missing) return;
  [rabbit, nats, sink] = await Promise.all([startRabbitMq(), startNats(), startSink()]);
});
after(async () => {
  for (const p of procs) await p.stop();
  await sink?.close();
  await nats?.stop();
  await rabbit?.stop();
});

it("forwards orders of 100 or more from RabbitMQ to the billing service, with the message id as event id", { skip: missing }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-amqp-example-"));
  const example = join(repoRoot, "manifests/examples/amqp");
  adaptExample(join(example, "eventsource.yaml"), join(dir, "eventsource.yaml"), [["amqp://localhost:5672", rabbit.plainUrl]]);
  adaptExample(join(example, "sensor.yaml"), join(dir, "sensor.yaml"), [["http://localhost:8090", sink.url]]);
  const common = ["--nats-url", nats.url, "--namespace", "amqp-example", "--log-level", "warn"];
  await startRuntime("sensor", join(dir, "sensor.yaml"), common, procs);
  const secrets = { IMPULSE_SECRET_RABBITMQ_USERNAME: rabbit.user, IMPULSE_SECRET_RABBITMQ_PASSWORD: rabbit.password };
  await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs, secrets);

  await amqpPublish(rabbit.url, "shop", "topic", [
    { routingKey: "order.eu", body: JSON.stringify({ id: "o-1", amount: 20 }), options: { messageId: "msg-1" } },
    { routingKey: "order.eu", body: JSON.stringify({ id: "o-2", amount: 150 }), options: { messageId: "msg-2" } },
    { routingKey: "order.us", body: JSON.stringify({ id: "o-3", amount: 300 }), options: { messageId: "msg-3" } },
  ]);
  await waitFor("two billing calls", () => sink.received.filter((r) => r.path === "/billing").length === 2, 30_000);
  const calls = sink.received.filter((r) => r.path === "/billing").map((r) => r.json as Record<string, unknown>);
  assert.deepEqual(
    calls.sort((a, b) => String(a["orderId"]).localeCompare(String(b["orderId"]))),
    [
      { orderId: "o-2", amount: 150, routingKey: "order.eu", eventId: "msg-2" },
      { orderId: "o-3", amount: 300, routingKey: "order.us", eventId: "msg-3" },
    ],
  );
});
