// Schemas of the nats, redis and redisStream EventSources: Argo's fields accepted, mistakes named by path.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseResource } from "../../validate.js";

const es = (type: string, entry: Record<string, unknown>) =>
  parseResource({ apiVersion: "argoproj.io/v1alpha1", kind: "EventSource", metadata: { name: "n" }, spec: { [type]: { e: entry } } });
const errors = (r: ReturnType<typeof es>) => (r.ok ? "" : r.errors.map((e) => `${e.path}: ${e.message}`).join("\n"));
const secret = { name: "s", key: "k" };

describe("nats EventSource schema", () => {
  it("accepts Argo's fields, each auth kind and a queue", () => {
    for (const auth of [{ basic: { username: secret, password: secret } }, { token: secret }, { nkey: secret }, { credential: secret }]) {
      const r = es("nats", { url: "nats://n:4222", subject: "a.>", jsonBody: true, queue: "q", auth, tls: { caCertSecret: secret }, connectionBackoff: { duration: "10s", steps: 5, factor: 2, jitter: 0.2 } });
      assert.ok(r.ok, errors(r));
    }
  });
  it("names what is wrong", () => {
    assert.match(errors(es("nats", { url: "nats://n:4222" })), /spec\.nats\.e\.subject/);
    assert.match(errors(es("nats", { url: "http://n", subject: "s" })), /spec\.nats\.e\.url: must be a nats:\/\/ URL/);
    assert.match(errors(es("nats", { url: "nats://n:1", subject: "s", queue: "" })), /spec\.nats\.e\.queue/);
    assert.match(errors(es("nats", { url: "nats://n:1", subject: "s", auth: { token: secret, nkey: secret } })), /spec\.nats\.e\.auth: set exactly one/);
  });
});

describe("redis and redisStream EventSource schemas", () => {
  it("accept Argo's fields", () => {
    const r = es("redis", { hostAddress: "redis.svc:6379", password: secret, namespace: "argo-events", db: 1, channels: ["FOO", "bar.*"], username: "u", jsonBody: true, metadata: { a: "b" } });
    assert.ok(r.ok, errors(r));
    const s = es("redisStream", { hostAddress: "redis.svc:6379", db: 0, streams: ["FOO"], maxMsgCountPerRead: 50, consumerGroup: "cg", tls: { caCertSecret: secret } });
    assert.ok(s.ok, errors(s));
  });
  it("name what is wrong", () => {
    assert.match(errors(es("redis", { hostAddress: "redis.svc", channels: ["a"] })), /spec\.redis\.e\.hostAddress: must be host:port/);
    assert.match(errors(es("redis", { hostAddress: "r:1", channels: [] })), /spec\.redis\.e\.channels: name at least one channel/);
    assert.match(errors(es("redisStream", { hostAddress: "r:1" })), /spec\.redisStream\.e\.streams/);
    assert.match(errors(es("redisStream", { hostAddress: "r:1", streams: ["s"], maxMsgCountPerRead: 0 })), /spec\.redisStream\.e\.maxMsgCountPerRead/);
  });
});
