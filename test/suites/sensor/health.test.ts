// A sensor process through a bus outage: /health turns 503 while NATS is down, recovers, and events flow again.
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

let nats: NatsServer;
let sink: Sink;
let es: Started | undefined;
let sensorProc: CliProcess | undefined;

before(async () => {
  nats = await startNats();
  sink = await startSink();
});
after(async () => {
  await sensorProc?.stop("SIGKILL");
  await es?.stop();
  await sink.close();
  await nats.stop();
});

it("reports 503 on /health while the bus is down and fires again once it is back", async () => {
  const port = await freePort();
  const file = join(mkdtempSync(join(tmpdir(), "impulse-health-")), "sensor.yaml");
  writeFileSync(
    file,
    JSON.stringify({
      apiVersion: "impulse.dev/v1alpha1",
      kind: "Sensor",
      metadata: { name: "survivor" },
      spec: {
        dependencies: [{ name: "d", eventSourceName: "src", eventName: "e" }],
        triggers: [{ template: { name: "post", http: { url: `${sink.url}/health-test`, payload: [{ src: { dependencyName: "d", dataKey: "body.n" }, dest: "n" }] } } }],
      },
    }),
  );
  const metricsPort = await freePort();
  sensorProc = spawnCli(["sensor", "-f", file, "--nats-url", nats.url, "--namespace", "health", "--metrics-port", String(metricsPort), "--log-level", "error"]);
  await waitHealthy(sensorProc, metricsPort);
  const health = async () => {
    const r = await request(`http://127.0.0.1:${metricsPort}/health`);
    const body = (await r.body.json()) as { healthy: boolean; bus: string };
    return { status: r.statusCode, body };
  };

  await nats.stop();
  const down = await waitFor("503 while the bus is down", async () => {
    const h = await health();
    return h.status === 503 ? h : undefined;
  });
  assert.equal(down.body.bus, "disconnected");

  await nats.restart();
  await waitHealthy(sensorProc, metricsPort);
  es = await startEventSource(nats.url, "health", eventSource("src", { webhook: { e: { port: String(port), endpoint: "/e", method: "POST" } } }));
  const r = await request(`http://127.0.0.1:${port}/e`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"n":1}' });
  assert.equal(r.statusCode, 200);
  await r.body.dump();
  await waitFor("firing after the outage", () => sink.received.some((x) => x.path === "/health-test"), 30_000);
});
