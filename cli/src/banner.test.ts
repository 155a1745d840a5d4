// The dev banner: every example's sources say what produces an event (not a bare "Send an event:").
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { it } from "node:test";
import { parseResource, type Resource } from "@impulse/api";
import { parse } from "yaml";
import { sourceHints } from "./banner.js";

const examples = join(fileURLToPath(import.meta.url), "..", "..", "..", "manifests", "examples");

function load(file: string): Resource[] {
  const r = parseResource(parse(readFileSync(join(examples, file), "utf8")));
  assert.ok(r.ok, file);
  return [r.resource];
}

it("a webhook gets its curl, a resource watch what to do in the cluster, a kafka source the topic to produce to", () => {
  assert.deepEqual(sourceHints(load("quickstart/eventsource.yaml"), "127.0.0.1"), [
    `curl -X POST -H 'Content-Type: application/json' -d '{"message":"hello"}' http://localhost:12000/example   # webhook/example`,
  ]);
  assert.deepEqual(sourceHints(load("pod-to-lambda/eventsource.yaml"), "127.0.0.1"), ["pods/created: create pods (v1) in namespace default labelled app==my-pod"]);
  assert.deepEqual(sourceHints(load("kafka/eventsource.yaml"), "127.0.0.1"), ["orders/created: produce a record to Kafka topic orders at localhost:9092"]);
  assert.deepEqual(sourceHints(load("calendar/eventsource.yaml"), "127.0.0.1"), [
    'schedules/nightly-report: fires on "30 2 * * *" (America/New_York)',
    "schedules/heartbeat: fires every 10s",
  ]);
  assert.deepEqual(sourceHints(load("file/eventsource.yaml"), "127.0.0.1"), ["inbox/csv-arrived: CREATE a file matching ^[a-z0-9-]+\\.csv$ in /data/inbox/"]);
  assert.deepEqual(sourceHints(load("quickstart/sensor.yaml"), "127.0.0.1"), []);
});

it("a webhook on a specific address is shown at that address", () => {
  assert.match(sourceHints(load("quickstart/eventsource.yaml"), "192.0.2.7")[0]!, /http:\/\/192\.0\.2\.7:12000\/example   # webhook\/example$/);
});
