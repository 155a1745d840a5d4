// The generic example (manifests/examples/generic), run as pods run it, against the kit's real gRPC Eventing server.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import { request } from "undici";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { adaptExample } from "../../kit/examples.js";
import { startEventingServer, type EventingServer } from "../../kit/grpc-eventing.js";
import { startNats } from "../../kit/nats.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let sink: Sink;
let srv: EventingServer;
const procs: CliProcess[] = [];

before(async () => {
  [nats, sink, srv] = await Promise.all([startNats(), startSink(), startEventingServer({ token: "feed-token" })]);
});
after(async () => {
  for (const p of procs) await p.stop();
  await srv.stop();
  await sink.close();
  await nats.stop();
});

it("posts each order the gRPC server streams to the fulfilment service", async () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-generic-example-"));
  const example = join(repoRoot, "manifests/examples/generic");
  adaptExample(join(example, "eventsource.yaml"), join(dir, "eventsource.yaml"), [["order-feed.shop.svc:8080", srv.url]]);
  adaptExample(join(example, "sensor.yaml"), join(dir, "sensor.yaml"), [["http://localhost:8090", sink.url]]);

  const common = ["--nats-url", nats.url, "--namespace", "generic-example", "--log-level", "warn"];
  await startRuntime("sensor", join(dir, "sensor.yaml"), common, procs);
  const es = await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs, { IMPULSE_SECRET_ORDER_FEED_TOKEN: "feed-token" });
  await waitFor("the stream open", () => srv.openStreams() === 1);
  assert.deepEqual(srv.calls[0], { name: "orders", config: "region: eu-west\nsince: now", authorization: "Bearer feed-token" });

  srv.send(JSON.stringify({ id: "o-1" }));
  srv.send(JSON.stringify({ id: "o-2" }));
  await waitFor("two firings", () => sink.received.filter((r) => r.path === "/fulfil").length === 2);
  assert.deepEqual(
    sink.received.map((r) => r.json).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    [
      { orderId: "o-1", team: "shop" },
      { orderId: "o-2", team: "shop" },
    ],
  );
  const health = await request(`http://127.0.0.1:${es.metricsPort}/health`);
  const report = (await health.body.json()) as { healthy: boolean; eventSources?: unknown };
  assert.equal(report.healthy, true);
  assert.match(JSON.stringify(report.eventSources), /generic\/orders/, "the stream is part of /health");
});
