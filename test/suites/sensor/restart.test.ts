// A sensor process killed mid-stream and started again: every event the webhook accepted still fires the trigger.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { spawnCli, waitHealthy, type CliProcess } from "../../kit/cli.js";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { startEventSource, type Started } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

const NS = "restart";
let nats: NatsServer;
let sink: Sink;
let es: Started;
let port: number;
let sensorFile: string;
const procs: CliProcess[] = [];

before(async () => {
  nats = await startNats();
  sink = await startSink();
  port = await freePort();
  es = await startEventSource(nats.url, NS, eventSource("orders", { webhook: { created: { port: String(port), endpoint: "/orders", method: "POST" } } }));
  sensorFile = join(mkdtempSync(join(tmpdir(), "impulse-restart-")), "sensor.yaml");
  writeFileSync(
    sensorFile,
    `apiVersion: impulse.dev/v1alpha1
kind: Sensor
metadata: {name: forward}
spec:
  dependencies:
    - {name: order, eventSourceName: orders, eventName: created}
  triggers:
    - template:
        name: post
        http:
          url: ${sink.url}/restart
          payload:
            - src: {dependencyName: order, contextKey: id}
              dest: eventId
`,
  );
});

after(async () => {
  for (const p of procs) await p.stop("SIGKILL");
  await es.stop();
  await sink.close();
  await nats.stop();
});

async function startSensorProcess(): Promise<CliProcess> {
  const metricsPort = await freePort();
  const p = spawnCli(["sensor", "-f", sensorFile, "--nats-url", nats.url, "--namespace", NS, "--metrics-port", String(metricsPort), "--log-level", "warn"]);
  procs.push(p);
  await waitHealthy(p, metricsPort);
  return p;
}

async function send(i: number): Promise<string> {
  const res = await request(`http://127.0.0.1:${port}/orders`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ i }) });
  assert.equal(res.statusCode, 200);
  return ((await res.body.json()) as { eventId: string }).eventId;
}

it("fires for every accepted event when the sensor is killed with SIGKILL and restarted", async () => {
  const accepted: string[] = [];
  const first = await startSensorProcess();
  for (let i = 0; i < 40; i++) accepted.push(await send(i));
  await first.stop("SIGKILL");
  for (let i = 40; i < 80; i++) accepted.push(await send(i));
  await startSensorProcess();
  for (let i = 80; i < 100; i++) accepted.push(await send(i));
  const seen = () => new Set(sink.received.filter((r) => r.path === "/restart").map((r) => (r.json as { eventId: string }).eventId));
  await waitFor("every accepted event delivered", () => accepted.every((id) => seen().has(id)), 60_000);
  assert.equal(seen().size, 100);
});
