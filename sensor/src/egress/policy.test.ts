import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseResource } from "@impulse/api";
import ipaddr from "ipaddr.js";
import { compileEgress, normalize } from "./policy.js";

const facts = (host: string, addrs: string[], configured = false) => ({ host, addresses: addrs.map((a) => normalize(ipaddr.parse(a))), configured });

describe("egress policy", () => {
  it("by default: public addresses pass, internal ones only at the configured url, link-local and metadata never", () => {
    const p = compileEgress([]);
    assert.deepEqual(p.check(facts("api.example.com", ["93.184.215.14"])), { ok: true });
    assert.equal(p.check(facts("svc", ["10.1.2.3"], true)).ok, true);
    for (const a of ["10.1.2.3", "172.16.0.1", "192.168.1.1", "127.0.0.1", "::1", "fd12::1", "100.64.0.1"]) assert.equal(p.check(facts("x", [a])).ok, false, a);
    for (const a of ["169.254.169.254", "fe80::1", "100.100.100.200", "0.0.0.0", "224.0.0.1"]) assert.equal(p.check(facts("x", [a], true)).ok, false, a);
  });
  it("checks every resolved address, and IPv4 hidden in IPv6 as IPv4", () => {
    const p = compileEgress([]);
    assert.equal(p.check(facts("rebind.example", ["93.184.215.14", "127.0.0.1"])).ok, false);
    for (const a of ["::ffff:127.0.0.1", "64:ff9b::7f00:1", "2002:a9fe:a9fe::1"]) assert.equal(p.check(facts("x", [a])).ok, false, a);
  });
  it("matches host names, *.domain wildcards (subdomains only) and CIDRs", () => {
    const p = compileEgress([{ source: "spec.egressPolicy", policy: { allow: ["*.example.com", "hooks.internal", "10.0.0.0/8"] } }]);
    assert.equal(p.check(facts("a.example.com", ["93.184.215.14"])).ok, true);
    assert.equal(p.check(facts("example.com", ["93.184.215.14"])).ok, false);
    assert.equal(p.check(facts("hooks.internal", ["10.9.9.9"])).ok, true, "an allowed internal host");
    assert.equal(p.check(facts("other", ["10.9.9.9"])).ok, true, "inside an allowed CIDR");
    assert.equal(p.check(facts("other", ["10.9.9.9", "11.0.0.1"])).ok, false, "every address must be inside");
    assert.equal(p.allowed(facts("a.example.com", ["1.1.1.1"])), true);
  });
});

describe("spec.egressPolicy validation", () => {
  it("names the path of an invalid entry", () => {
    const r = parseResource({
      apiVersion: "impulse.dev/v1alpha1", kind: "Sensor", metadata: { name: "s" },
      spec: { egressPolicy: { allow: ["ok.example.com", "10.0.0.0/40", "bad host"] }, dependencies: [{ name: "d", eventSourceName: "e", eventName: "e" }], triggers: [{ template: { name: "t", log: {} } }] },
    });
    assert.ok(!r.ok);
    assert.deepEqual(r.errors.map((e) => e.path), ["spec.egressPolicy.allow[1]", "spec.egressPolicy.allow[2]"]);
  });
});
