// The http-trigger example, run as pods run it: `impulse eventsource` and `impulse sensor` as separate processes.
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { startNats } from "../../kit/nats.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let sink: Sink;
const procs: CliProcess[] = [];

before(async () => {
  nats = await startNats();
  sink = await startSink();
});
after(async () => {
  for (const p of procs) await p.stop();
  await sink.close();
  await nats.stop();
});

it("forwards orders of 100 or more to the billing service with the documented payload", async () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-http-example-"));
  const webhookPort = await freePort();
  const example = join(repoRoot, "manifests/examples/http-trigger");
  writeFileSync(join(dir, "eventsource.yaml"), readFileSync(join(example, "eventsource.yaml"), "utf8").replace('"12001"', `"${webhookPort}"`));
  writeFileSync(join(dir, "sensor.yaml"), readFileSync(join(example, "sensor.yaml"), "utf8").replace("http://localhost:8090/billing", `${sink.url}/billing`));

  const common = ["--nats-url", nats.url, "--namespace", "http-example", "--log-level", "warn"];
  const sensor = await startRuntime("sensor", join(dir, "sensor.yaml"), [...common], procs);
  const es = await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs);

  const post = async (body: unknown) => {
    const r = await request(`http://127.0.0.1:${webhookPort}/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    assert.equal(r.statusCode, 200);
    return ((await r.body.json()) as { eventId: string }).eventId;
  };
  await post({ id: "o-1", amount: 20 });
  const eventId = await post({ id: "o-2", amount: 150 });
  const call = await waitFor("billing call", () => sink.received.find((r) => r.path === "/billing"));
  assert.equal(call.headers["x-source"], "impulse");
  assert.deepEqual(call.json, { orderId: "o-2", amount: 150, team: "shop", eventId });

  // The sink sees the request before the sensor has its response and counts the firing: wait for the count.
  const text = await waitFor("the firing counted", async () => {
    const t = await (await request(`http://127.0.0.1:${sensor.metricsPort}/metrics`)).body.text();
    return /impulse_sensor_triggers_fired_total\{sensor="large-orders",trigger="notify-billing"\} 1/.test(t) && t;
  });
  assert.match(text, /impulse_sensor_events_filtered_total\{sensor="large-orders",trigger="notify-billing"\} 1/);
  assert.equal(sink.received.filter((r) => r.path === "/billing").length, 1);
});
