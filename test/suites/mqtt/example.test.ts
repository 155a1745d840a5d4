// The mqtt example (manifests/examples/mqtt), run as pods run it: `impulse eventsource` and `impulse sensor` processes.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { adaptExample } from "../../kit/examples.js";
import { mosquittoMissing, startMosquitto, type Mosquitto } from "../../kit/mosquitto.js";
import { mqttPublish } from "../../kit/mqtt-io.js";
import { startNats } from "../../kit/nats.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

const missing = mosquittoMissing();
let broker: Mosquitto;
let nats: NatsServer;
let sink: Sink;
const procs: CliProcess[] = [];

before(async () => {
  if (missing) return;
  [broker, nats, sink] = await Promise.all([startMosquitto({ auth: true }), startNats(), startSink()]);
});
after(async () => {
  for (const p of procs) await p.stop();
  await sink?.close();
  await nats?.stop();
  await broker?.stop();
});

it("posts readings above 30 °C from MQTT devices to the alerting service", { skip: missing }, async () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-mqtt-example-"));
  const example = join(repoRoot, "manifests/examples/mqtt");
  adaptExample(join(example, "eventsource.yaml"), join(dir, "eventsource.yaml"), [["tcp://localhost:1883", broker.tcpUrl]]);
  adaptExample(join(example, "sensor.yaml"), join(dir, "sensor.yaml"), [["http://localhost:8090", sink.url]]);
  const common = ["--nats-url", nats.url, "--namespace", "mqtt-example", "--log-level", "warn"];
  await startRuntime("sensor", join(dir, "sensor.yaml"), common, procs);
  const secrets = { IMPULSE_SECRET_MOSQUITTO_USERNAME: broker.user!, IMPULSE_SECRET_MOSQUITTO_PASSWORD: broker.password! };
  await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs, secrets);

  await mqttPublish(broker.url, "sensors/kitchen/temp", ['{"celsius":21}', '{"celsius":35.5}'], broker.clientOptions);
  await mqttPublish(broker.url, "sensors/attic/temp", ['{"celsius":41}'], broker.clientOptions);
  await waitFor("two alerts", () => sink.received.filter((r) => r.path === "/alerts").length === 2, 30_000);
  const alerts = sink.received.filter((r) => r.path === "/alerts").map((r) => r.json);
  assert.deepEqual(
    alerts.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    [
      { topic: "sensors/attic/temp", celsius: 41 },
      { topic: "sensors/kitchen/temp", celsius: 35.5 },
    ],
  );
});
