import assert from "node:assert/strict";
import { it } from "node:test";
import { serviceNamed, tracingEnabled } from "./enabled.js";

it("tracing is off unless OTEL_* asks for traces", () => {
  assert.equal(tracingEnabled({}), false);
  assert.equal(tracingEnabled({ OTEL_SERVICE_NAME: "x" }), false);
  assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }), true);
  assert.equal(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces" }), true);
  assert.equal(tracingEnabled({ OTEL_TRACES_EXPORTER: "console" }), true);
  assert.equal(tracingEnabled({ OTEL_TRACES_EXPORTER: "otlp, console" }), true);
});

it("OTEL_TRACES_EXPORTER=none and OTEL_SDK_DISABLED=true turn it off even with an endpoint", () => {
  assert.equal(tracingEnabled({ OTEL_TRACES_EXPORTER: "none", OTEL_EXPORTER_OTLP_ENDPOINT: "http://x" }), false);
  assert.equal(tracingEnabled({ OTEL_SDK_DISABLED: "TRUE", OTEL_EXPORTER_OTLP_ENDPOINT: "http://x" }), false);
  assert.equal(tracingEnabled({ OTEL_SDK_DISABLED: "false", OTEL_EXPORTER_OTLP_ENDPOINT: "http://x" }), true);
});

it("a service name from OTEL_SERVICE_NAME or OTEL_RESOURCE_ATTRIBUTES is the user's", () => {
  assert.equal(serviceNamed({}), false);
  assert.equal(serviceNamed({ OTEL_SERVICE_NAME: "orders" }), true);
  assert.equal(serviceNamed({ OTEL_RESOURCE_ATTRIBUTES: "team=a, service.name=orders" }), true);
  assert.equal(serviceNamed({ OTEL_RESOURCE_ATTRIBUTES: "team=a" }), false);
});
