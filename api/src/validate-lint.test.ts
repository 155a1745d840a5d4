// parseResource for lint: "did you mean", one error for a misspelt required field, the valid parts of a refused
// document, and retryStrategy bounds.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseResource } from "./validate.js";

const sensor = (spec: unknown) => ({ apiVersion: "argoproj.io/v1alpha1", kind: "Sensor", metadata: { name: "s" }, spec });
const dep = { name: "d", eventSourceName: "es", eventName: "e" };

describe("parseResource (lint aids)", () => {
  it("says which field an unknown one probably is", () => {
    const r = parseResource(sensor({ dependencies: [dep], triggers: [{ template: { name: "t", http: { url: "http://x/", methd: "POST" } } }] }));
    assert.ok(r.ok);
    assert.deepEqual(r.warnings, [{ path: "spec.triggers[0].template.http.methd", message: 'unknown field, ignored (did you mean "method"?)' }]);
  });

  it("reports a misspelt required field once, as an error at the misspelling", () => {
    const r = parseResource(sensor({ dependencies: [{ name: "d", eventSourceName: "es", eventNmae: "e" }], triggers: [{ template: { name: "t", log: {} } }] }));
    assert.ok(!r.ok);
    assert.deepEqual(r.errors, [{ path: "spec.dependencies[0].eventNmae", message: 'unknown field; did you mean "eventName"? (eventName is required)' }]);
    assert.deepEqual(r.warnings, []);
  });

  it("keeps the valid parts of a refused document, with indexes intact", () => {
    const r = parseResource(sensor({ dependencies: [{ name: "a", eventName: "e" }, dep], triggers: [{ template: { name: "t", conditions: "a && d", http: { url: "no url" } } }] }));
    assert.ok(!r.ok && r.partial?.kind === "Sensor");
    const spec = r.partial.spec;
    assert.equal(spec.dependencies.length, 2);
    assert.equal(spec.dependencies[0]!.name, "a");
    assert.equal(spec.dependencies[1]!.eventSourceName, "es");
    assert.equal(spec.triggers[0]!.template.conditions, "a && d");
  });

  it("refuses retryStrategy values that cannot be meant, naming the path", () => {
    const r = parseResource(sensor({ dependencies: [dep], triggers: [{ template: { name: "t", log: {} }, retryStrategy: { steps: 0, factor: -2, jitter: -0.1, duration: "-1s" } }] }));
    assert.ok(!r.ok);
    assert.deepEqual(r.errors.map((e) => e.path).sort(), ["duration", "factor", "jitter", "steps"].map((k) => `spec.triggers[0].retryStrategy.${k}`));
    const absurd = parseResource(sensor({ dependencies: [dep], triggers: [{ template: { name: "t", log: {} }, retryStrategy: { duration: 3_600_000_000_000_000 } }] }));
    assert.ok(!absurd.ok);
    assert.match(absurd.errors[0]!.message, /at most 24h/);
    const fine = parseResource(sensor({ dependencies: [dep], triggers: [{ template: { name: "t", log: {} }, retryStrategy: { steps: 3, factor: 2, jitter: 0.2, duration: "1s" } }] }));
    assert.ok(fine.ok);
  });
});

it("reports a misspelt source type once, instead of a warning plus 'defines no events'", () => {
  const r = parseResource({ apiVersion: "argoproj.io/v1alpha1", kind: "EventSource", metadata: { name: "es" }, spec: { webhok: { e: { port: "12000", endpoint: "/e" } } } });
  assert.ok(!r.ok);
  assert.deepEqual(r.errors, [{ path: "spec.webhok", message: 'unknown field; did you mean "webhook"? (without it the EventSource defines no events)' }]);
  assert.deepEqual(r.warnings, []);
});
