import assert from "node:assert/strict";
import { it } from "node:test";
import { logFields, traceCarrierOf, traceHeaders, validTraceparent } from "./tracing.js";

const TP = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";

it("accepts a W3C traceparent and refuses malformed or all-zero ones", () => {
  assert.equal(validTraceparent(TP), TP);
  assert.equal(validTraceparent(TP.toUpperCase()), TP, "hex is read case-insensitively");
  assert.equal(validTraceparent("00-00000000000000000000000000000000-00f067aa0ba902b7-01"), undefined);
  assert.equal(validTraceparent("00-4bf92f3577b34da6a3ce929d0e0e4736-0000000000000000-01"), undefined);
  assert.equal(validTraceparent("ff-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"), undefined);
  assert.equal(validTraceparent(TP + "-extra"), undefined, "version 00 has exactly four fields");
  assert.equal(validTraceparent("01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later"), "01-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01-later");
  assert.equal(validTraceparent("garbage"), undefined);
  assert.equal(validTraceparent(42), undefined);
});

it("reads the context from headers (first value) or CloudEvent attributes, tracestate only with a valid traceparent", () => {
  assert.deepEqual(traceCarrierOf({ traceparent: TP, tracestate: "a=1" }), { traceparent: TP, tracestate: "a=1" });
  assert.deepEqual(traceCarrierOf({ traceparent: [TP, "other"] }), { traceparent: TP });
  assert.deepEqual(traceCarrierOf({ traceparent: TP, tracestate: "bad\nvalue" }), { traceparent: TP });
  assert.equal(traceCarrierOf({ tracestate: "a=1" }), undefined);
  assert.equal(traceCarrierOf({ traceparent: "nope" }), undefined);
  assert.equal(traceCarrierOf(undefined), undefined);
});

it("writes headers and log fields only when there is something to write", () => {
  assert.deepEqual(traceHeaders(undefined), {});
  assert.deepEqual(traceHeaders({ traceparent: TP }), { traceparent: TP });
  assert.deepEqual(traceHeaders({ traceparent: TP, tracestate: "a=1" }), { traceparent: TP, tracestate: "a=1" });
  assert.deepEqual(logFields(undefined), {});
  const span = { traceId: "t", spanId: "s", carrier: () => ({ traceparent: TP }), setAttributes() {}, fail() {}, end() {} };
  assert.deepEqual(logFields(span), { trace_id: "t", span_id: "s" });
});
