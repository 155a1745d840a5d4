// What the custom trigger sends: spec YAML, resource parameters on a JSON resource, payload bytes.
import assert from "node:assert/strict";
import { it } from "node:test";
import { ErrorCodes, ImpulseError } from "@impulse/api";
import { parse } from "yaml";
import { payloadBytes, resourceWithParameters, specBytes } from "./resource.js";

const events = { d: { id: "e1", source: "s", subject: "e", type: "webhook", time: "", data: { body: { ns: "team-a", n: 3 } } } } as never;

it("sends the spec as YAML with sorted keys, values kept as strings", () => {
  const text = specBytes({ url: "https://x/y.yaml", a: "1", "b: c": "true" }).toString();
  assert.ok(text.indexOf("a:") < text.indexOf("url:"), text);
  assert.deepEqual(parse(text), { a: "1", "b: c": "true", url: "https://x/y.yaml" });
});

it("applies parameters to a JSON resource and re-encodes it; leaves any resource untouched without parameters", () => {
  const out = resourceWithParameters(Buffer.from('{"metadata":{"name":"run"}}'), [{ src: { dependencyName: "d", dataKey: "body.ns" }, dest: "metadata.namespace" }], events);
  assert.deepEqual(JSON.parse(out.toString()), { metadata: { name: "run", namespace: "team-a" } });
  const yamlText = Buffer.from("kind: PipelineRun\n");
  assert.equal(resourceWithParameters(yamlText, undefined, events), yamlText);
  assert.equal(resourceWithParameters(yamlText, [], events), yamlText);
});

it("refuses parameters on a resource that is not a JSON object, without retry", () => {
  for (const text of ["kind: PipelineRun\n", "[1,2]"]) {
    assert.throws(
      () => resourceWithParameters(Buffer.from(text), [{ src: { dependencyName: "d", dataKey: "body.ns" }, dest: "x" }], events),
      (e: unknown) => e instanceof ImpulseError && e.code === ErrorCodes.ParameterFailed && !e.retryable,
    );
  }
});

it("sends an empty payload without a payload list, and the built JSON with one", () => {
  assert.equal(payloadBytes(false, {}).length, 0);
  assert.equal(payloadBytes(true, {}).toString(), "{}");
  assert.equal(payloadBytes(true, { n: 3 }).toString(), '{"n":3}');
});
