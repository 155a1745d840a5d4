// The calendar example (manifests/examples/calendar), run as pods run it: heartbeats reach the monitoring endpoint.
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { adaptExample } from "../../kit/examples.js";
import { startNats } from "../../kit/nats.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let sink: Sink;
const procs: CliProcess[] = [];

before(async () => {
  [nats, sink] = await Promise.all([startNats(), startSink()]);
});
after(async () => {
  for (const p of procs) await p.stop();
  await sink.close();
  await nats.stop();
});

it("posts each heartbeat with its scheduled time, team and id; the nightly report waits for its time", async () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-calendar-example-"));
  const example = join(repoRoot, "manifests/examples/calendar");
  adaptExample(join(example, "eventsource.yaml"), join(dir, "eventsource.yaml"), []);
  adaptExample(join(example, "sensor.yaml"), join(dir, "sensor.yaml"), [["http://localhost:8090/heartbeat", `${sink.url}/heartbeat`]]);

  const common = ["--nats-url", nats.url, "--namespace", "calendar-example", "--log-level", "warn"];
  await startRuntime("sensor", join(dir, "sensor.yaml"), common, procs);
  await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs);

  const [beat] = await waitFor("a heartbeat at the sink", () => sink.received.length > 0 && sink.received, 40_000);
  const body = beat!.json as { eventTime: string; team: string; eventId: string };
  assert.equal(body.team, "ops");
  assert.match(body.eventTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0000 UTC$/);
  const scheduled = new Date(body.eventTime.replace(" +0000 UTC", "Z").replace(" ", "T"));
  assert.equal(body.eventId, `schedules:heartbeat:${scheduled.toISOString()}`, "the id is made from the scheduled time");
});
