// spec.loggingFields appear on every log line of the Sensor, and cannot hide its name.
import assert from "node:assert/strict";
import { Writable } from "node:stream";
import { it } from "node:test";
import { parseResource, type Sensor } from "@impulse/api";
import { pino } from "pino";
import { sensorLogger } from "./logging-fields.js";

it("adds spec.loggingFields to every line of the sensor's logger and its children", () => {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(JSON.parse(String(chunk))), done()) });
  const parsed = parseResource({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "Sensor",
    metadata: { name: "orders" },
    spec: { loggingFields: { team: "payments", sensorName: "spoof" }, dependencies: [{ name: "d", eventSourceName: "es", eventName: "e" }], triggers: [{ template: { name: "t", log: {} } }] },
  });
  assert.ok(parsed.ok);
  const log = sensorLogger(pino(sink), parsed.resource as Sensor);
  log.info("ready");
  log.child({ triggerName: "t" }).warn("fired");
  assert.equal(lines.length, 2);
  for (const l of lines) {
    assert.equal(l["team"], "payments");
    assert.equal(l["sensorName"], "orders");
  }
  assert.equal(lines[1]!["triggerName"], "t");
});
