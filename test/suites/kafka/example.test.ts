// The kafka example (manifests/examples/kafka), run as pods run it: `impulse eventsource` and `impulse sensor` processes.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import { request } from "undici";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { startKafka, type KafkaBroker } from "../../kit/kafka.js";
import { createTopic, produce, readTopic } from "../../kit/kafka-io.js";
import { startNats } from "../../kit/nats.js";

let kafka: KafkaBroker;
let nats: NatsServer;
const procs: CliProcess[] = [];

before(async () => {
  [kafka, nats] = await Promise.all([startKafka(), startNats()]);
});
after(async () => {
  for (const p of procs) await p.stop();
  await nats.stop();
  await kafka.stop();
});

it("writes orders of 100 or more to large-orders, keyed by customer, with the documented payload", async () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-kafka-example-"));
  const example = join(repoRoot, "manifests/examples/kafka");
  for (const f of ["eventsource.yaml", "sensor.yaml"]) writeFileSync(join(dir, f), readFileSync(join(example, f), "utf8").replaceAll("localhost:9092", kafka.url));
  await createTopic(kafka.brokers, "orders", 2);
  await createTopic(kafka.brokers, "large-orders", 2);

  const common = ["--nats-url", nats.url, "--namespace", "kafka-example", "--log-level", "warn"];
  const sensor = await startRuntime("sensor", join(dir, "sensor.yaml"), [...common], procs);
  const es = await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs);

  await produce(kafka.brokers, "orders", [
    { key: "o-1", value: JSON.stringify({ id: "o-1", amount: 20, customer: "ada" }) },
    { key: "o-2", value: JSON.stringify({ id: "o-2", amount: 150, customer: "ada" }) },
    { key: "o-3", value: JSON.stringify({ id: "o-3", amount: 300, customer: "bob" }) },
  ]);
  const out = await readTopic(kafka.brokers, "large-orders", 2);
  const byOrder = Object.fromEntries(out.map((r) => [JSON.parse(r.value).orderId as string, r]));
  assert.deepEqual(Object.keys(byOrder).sort(), ["o-2", "o-3"]);
  const o2 = JSON.parse(byOrder["o-2"]!.value) as Record<string, unknown>;
  assert.deepEqual({ ...o2, eventId: undefined }, { orderId: "o-2", amount: 150, team: "shop", eventId: undefined });
  assert.match(String(o2["eventId"]), new RegExp(`^orders:created:${kafka.url.replace(/\./g, "\\.")}:orders:\\d:\\d+$`), "Argo's stable kafka event id");
  assert.equal(byOrder["o-2"]!.key, "ada");
  assert.equal(byOrder["o-3"]!.key, "bob");
  assert.equal(byOrder["o-2"]!.headers["X-Source"], "impulse");

  const health = await request(`http://127.0.0.1:${es.metricsPort}/health`);
  const report = (await health.body.json()) as { healthy: boolean; eventSources?: unknown };
  assert.equal(report.healthy, true);
  assert.match(JSON.stringify(report.eventSources), /kafka\/created/, "the broker connection is part of /health");
});
