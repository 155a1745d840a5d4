import assert from "node:assert/strict";
import { it } from "node:test";
import type { ImpulseEvent } from "@impulse/api";
import { attemptAttributes, firingContexts } from "./trace.js";
import { clientContext } from "./triggers/aws-lambda.js";
import { traceAnnotations, withAnnotations } from "./triggers/k8s/object.js";

const TP1 = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const TP2 = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01";
const event = (id: string, ext: Record<string, unknown> = {}): ImpulseEvent => ({ specversion: "1.0", id, source: "s", type: "webhook", subject: "e", time: "2026-01-01T00:00:00Z", datacontenttype: "application/json", data: {}, ...ext });

it("a firing's trace contexts: each distinct valid one, in dependency order; none without", () => {
  assert.deepEqual(firingContexts({ a: event("1") }), []);
  assert.deepEqual(firingContexts({ a: event("1", { traceparent: TP1, tracestate: "x=1" }), b: event("2", { traceparent: TP2 }), c: event("3", { traceparent: TP1 }) }), [
    { traceparent: TP1, tracestate: "x=1" },
    { traceparent: TP2 },
  ]);
  assert.deepEqual(firingContexts({ a: event("1", { traceparent: "not-a-traceparent" }) }), []);
});

it("an attempt span names the first event and lists them all", () => {
  const a = attemptAttributes({ a: event("1"), b: event("2"), c: event("1") }, { sensor: "s", trigger: "t", kind: "http", attempt: 2, idempotencyKey: "k" });
  assert.equal(a["cloudevents.event_id"], "1");
  assert.deepEqual(a["impulse.event_ids"], ["1", "2"]);
  assert.equal(a["impulse.attempt"], 2);
  assert.equal(a["impulse.replay"], undefined);
});

it("the Lambda client context and Kubernetes annotations carry the trace context only when there is one", () => {
  const decode = (b64: string) => JSON.parse(Buffer.from(b64, "base64").toString("utf8")) as { custom: Record<string, string> };
  assert.deepEqual(decode(clientContext("s", "t", "k")).custom, { idempotencyKey: "k", sensor: "s", trigger: "t" });
  assert.deepEqual(decode(clientContext("s", "t", "k", { traceparent: TP1, tracestate: "x=1" })).custom, { idempotencyKey: "k", sensor: "s", trigger: "t", traceparent: TP1, tracestate: "x=1" });
  assert.deepEqual(traceAnnotations(undefined), {});
  const obj = { apiVersion: "v1", kind: "ConfigMap", metadata: { name: "c", annotations: { keep: "me" } } };
  assert.equal(withAnnotations(obj, traceAnnotations(undefined)), obj);
  assert.deepEqual((withAnnotations(obj, traceAnnotations({ traceparent: TP1 })).metadata as { annotations: Record<string, string> }).annotations, { keep: "me", "impulse.dev/traceparent": TP1 });
});
