import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseResource } from "../../validate.js";

const es = (entry: Record<string, unknown>) => parseResource({ apiVersion: "argoproj.io/v1alpha1", kind: "EventSource", metadata: { name: "k" }, spec: { kafka: { e: entry } } });
const paths = (r: ReturnType<typeof es>) => (r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`));

describe("kafka EventSource schema", () => {
  it("accepts Argo's fields and normalises partition and strategy", () => {
    const r = es({ url: "a:9092,b:9092", topic: "t", partition: "2", consumerGroup: { groupName: "g", rebalanceStrategy: "RoundRobin" }, version: "2.5.0", config: "x: 1", sasl: { mechanism: "scram-sha-512", userSecret: { name: "s", key: "u" }, passwordSecret: { name: "s", key: "p" } } });
    assert.ok(r.ok, paths(r).join("\n"));
    const cfg = r.resource.kind === "EventSource" ? r.resource.spec.kafka!["e"]! : undefined;
    assert.equal(cfg?.partition, 2);
    assert.equal(cfg?.consumerGroup?.rebalanceStrategy, "roundrobin");
    assert.equal(cfg?.sasl?.mechanism, "SCRAM-SHA-512");
  });

  it("checks filter.expression like every source's", () => {
    assert.ok(es({ url: "a:1", topic: "t", partition: 0, filter: { expression: "body.amount >= 100" } }).ok);
    assert.match(paths(es({ url: "a:1", topic: "t", partition: 0, filter: { expression: "body.amount >=" } })).join(), /spec\.kafka\.e\.filter\.expression: is not a valid expression/);
  });

  it("needs a consumer group or a partition, and host:port brokers", () => {
    assert.match(paths(es({ url: "a:9092", topic: "t" })).join(), /spec\.kafka\.e\.consumerGroup: set consumerGroup/);
    assert.match(paths(es({ url: "http://a:9092", topic: "t", partition: 0 })).join(), /spec\.kafka\.e\.url/);
  });

  it("names what is not supported yet instead of ignoring it", () => {
    assert.match(paths(es({ url: "a:1", topic: "t", partition: 0, schemaRegistry: { url: "x" } })).join(), /schemaRegistry is not supported yet/);
    const sasl = { mechanism: "OAUTHBEARER", userSecret: { name: "s", key: "u" }, passwordSecret: { name: "s", key: "p" } };
    assert.match(paths(es({ url: "a:1", topic: "t", partition: 0, sasl })).join(), /OAUTHBEARER and GSSAPI are not supported yet/);
  });
});
