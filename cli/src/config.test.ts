// Runtime configuration defaults: what a laptop and a pod each get without flags.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
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

describe("runtime config: egress policy", () => {
  const defaults = { metricsPort: 0, listenAddress: "127.0.0.1", logFormat: "json" } as const;
  it("reads --egress-policy or IMPULSE_EGRESS_POLICY as JSON, the flag first", () => {
    const env = { IMPULSE_EGRESS_POLICY: '{"deny":["10.0.0.0/8"]}' };
    assert.deepEqual(readConfig({}, env, defaults).egressPolicy, { deny: ["10.0.0.0/8"] });
    assert.deepEqual(readConfig({ egressPolicy: '{"allow":["*.example.com"],"secureHeaders":"allowedHosts"}' }, env, defaults).egressPolicy, {
      allow: ["*.example.com"],
      secureHeaders: "allowedHosts",
    });
    assert.equal(readConfig({}, {}, defaults).egressPolicy, undefined);
  });
  it("refuses a policy that is not JSON or names an invalid entry, saying where", () => {
    assert.throws(() => readConfig({ egressPolicy: "deny: x" }, {}, defaults), /egressPolicy: is not JSON/);
    assert.throws(() => readConfig({ egressPolicy: '{"deny":["10.0.0.0/99"]}' }, {}, defaults), /egressPolicy\.deny\.0: "10\.0\.0\.0\/99" is not a CIDR/);
    assert.throws(() => readConfig({ egressPolicy: '{"alow":[]}' }, {}, defaults), /egressPolicy/);
  });
});
