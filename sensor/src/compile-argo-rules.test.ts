// Argo's Sensor validation rules that Impulse enforces when compiling (docs/deviations.md lists them all).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseResource, type Sensor } from "@impulse/api";
import { compileSensor } from "./compile.js";

function errors(triggers: unknown[]): string[] {
  const r = parseResource({ apiVersion: "argoproj.io/v1alpha1", kind: "Sensor", metadata: { name: "s" }, spec: { dependencies: [{ name: "d", eventSourceName: "es", eventName: "e" }], triggers } });
  assert.ok(r.ok, JSON.stringify(!r.ok && r.errors));
  return compileSensor(r.resource as Sensor).errors.map((e) => `${e.path}: ${e.message}`);
}

describe("Argo's trigger rules", () => {
  it("refuses an empty parameter dest, except in an HTTP payload (the whole body)", () => {
    const found = errors([
      { template: { name: "k", kafka: { url: "k:9092", topic: "t", payload: [{ src: { dependencyName: "d", dataKey: "body" }, dest: "" }] } }, parameters: [{ src: { dependencyName: "d", value: "x" }, dest: "" }] },
    ]);
    assert.equal(found.length, 2, found.join("\n"));
    assert.match(found.join("\n"), /spec\.triggers\[0\]\.parameters\[0\]\.dest: must not be empty/);
    assert.match(found.join("\n"), /spec\.triggers\[0\]\.template\.kafka\.payload\[0\]\.dest: must not be empty/);
    assert.deepEqual(errors([{ template: { name: "h", http: { url: "http://127.0.0.1/", payload: [{ src: { dependencyName: "d", dataKey: "body" }, dest: "" }] } } }]), []);
  });

  it("refuses a dlqTrigger on a fire-and-forget trigger, or one that is itself fire-and-forget", () => {
    const found = errors([{ template: { name: "h", log: {} }, atLeastOnce: false, dlqTrigger: { template: { name: "dlq", log: {} }, atLeastOnce: false } }]);
    assert.deepEqual(found.sort(), [
      "spec.triggers[0].atLeastOnce: must not be false with a dlqTrigger (a fire-and-forget firing is acknowledged before it runs: its dead letter could be lost)",
      "spec.triggers[0].dlqTrigger.atLeastOnce: must not be false (a dead-letter trigger always runs at least once; the setting would be ignored)",
    ]);
  });

  it("refuses a conditionsReset entry without byTime", () => {
    assert.deepEqual(errors([{ template: { name: "h", conditions: "d", conditionsReset: [{}], log: {} } }]), ["spec.triggers[0].template.conditionsReset[0]: needs byTime (the only kind of reset)"]);
  });
});

it("refuses the same event name under two source types of one EventSource (Argo's rule)", () => {
  const r = parseResource({
    apiVersion: "argoproj.io/v1alpha1",
    kind: "EventSource",
    metadata: { name: "es" },
    spec: { webhook: { orders: { port: "12000", endpoint: "/o", method: "POST" } }, kafka: { orders: { url: "k:9092", topic: "t", partition: "0" } } },
  });
  assert.ok(!r.ok);
  assert.deepEqual(r.errors.map((e) => e.path), ["spec.kafka.orders"]);
  assert.match(r.errors[0]!.message, /duplicate event name "orders"/);
});

it("lint mode: a dependency without a valid name does not make every reference to it an error too", () => {
  const partial = { apiVersion: "argoproj.io/v1alpha1", kind: "Sensor", metadata: { name: "s" }, spec: { dependencies: [{ eventSourceName: "es", eventName: "e" }], triggers: [{ template: { name: "t", conditions: "a", log: {} }, parameters: [{ src: { dependencyName: "a", dataTemplate: "{{ zzzzzz }}" }, dest: "x" }] }] } } as unknown as Sensor;
  const found = compileSensor(partial, { partial: true }).errors.map((e) => `${e.path}: ${e.message}`);
  assert.deepEqual(found, ['spec.triggers[0].parameters[0].src.dataTemplate: function "zzzzzz" not defined']);
});
