// Runtime configuration defaults: what a laptop and a pod each get without flags.
import assert from "node:assert/strict";
import { it } from "node:test";
import { DEFAULT_METRICS_PORT, readConfig } from "./config.js";

it("impulse eventsource and impulse sensor default to different metrics ports, so the documented pair runs side by side", () => {
  assert.notEqual(DEFAULT_METRICS_PORT.EventSource, DEFAULT_METRICS_PORT.Sensor);
});

it("flags beat the environment, which beats the command's defaults (listen address, log format)", () => {
  const defaults = { metricsPort: 0, listenAddress: "127.0.0.1", logFormat: "pretty" } as const;
  const none = readConfig({}, {}, defaults);
  assert.deepEqual([none.listenAddress, none.logFormat], ["127.0.0.1", "pretty"]);
  const env = readConfig({}, { IMPULSE_LISTEN_ADDRESS: "0.0.0.0", IMPULSE_LOG_FORMAT: "json" }, defaults);
  assert.deepEqual([env.listenAddress, env.logFormat], ["0.0.0.0", "json"]);
  const flags = readConfig({ listenAddress: "::1", logFormat: "pretty" }, { IMPULSE_LISTEN_ADDRESS: "0.0.0.0", IMPULSE_LOG_FORMAT: "json" }, defaults);
  assert.deepEqual([flags.listenAddress, flags.logFormat], ["::1", "pretty"]);
  assert.throws(() => readConfig({ logFormat: "xml" }, {}, defaults), /logFormat/);
});
