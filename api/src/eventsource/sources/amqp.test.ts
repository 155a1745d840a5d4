import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseResource } from "../../validate.js";

const es = (type: string, entry: Record<string, unknown>) =>
  parseResource({ apiVersion: "argoproj.io/v1alpha1", kind: "EventSource", metadata: { name: "b" }, spec: { [type]: { e: entry } } });
const paths = (r: ReturnType<typeof es>) => (r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`));
const secret = (key: string) => ({ name: "s", key });

describe("amqp EventSource schema", () => {
  const base = { url: "amqp://rabbit:5672", exchangeName: "x", exchangeType: "fanout", routingKey: "k" };

  it("accepts Argo's fields, the declare/bind/consume blocks and queue arguments as YAML", () => {
    const r = es("amqp", {
      ...base,
      jsonBody: true,
      connectionBackoff: { duration: "10s", steps: 5, factor: 2, jitter: 0.2 },
      exchangeDeclare: { durable: true, autoDelete: false, internal: false, noWait: false },
      queueDeclare: { name: "q", durable: true, exclusive: false, arguments: "x-queue-type: quorum" },
      queueBind: { noWait: false },
      consume: { consumerTag: "t", autoAck: true, exclusive: false, noLocal: false, noWait: false },
      auth: { username: secret("u"), password: secret("p") },
      tls: { caCertSecret: secret("ca") },
      metadata: { a: "b" },
      filter: { expression: "body.n > 1" },
    });
    assert.ok(r.ok, paths(r).join("\n"));
  });

  it("needs exactly one of url and urlSecret, an amqp URL, and names the path of what is wrong", () => {
    assert.match(paths(es("amqp", { ...base, url: undefined })).join(), /spec\.amqp\.e\.url: set exactly one of url and urlSecret/);
    assert.match(paths(es("amqp", { ...base, urlSecret: secret("url") })).join(), /spec\.amqp\.e\.url: set exactly one/);
    assert.ok(es("amqp", { ...base, url: undefined, urlSecret: secret("url") }).ok);
    assert.match(paths(es("amqp", { ...base, url: "http://x" })).join(), /spec\.amqp\.e\.url: must be an amqp/);
    assert.match(paths(es("amqp", { ...base, routingKey: "" })).join(), /spec\.amqp\.e\.routingKey/);
    assert.match(paths(es("amqp", { ...base, queueDeclare: { arguments: "- a list" } })).join(), /spec\.amqp\.e\.queueDeclare\.arguments: is not a YAML mapping/);
    assert.match(paths(es("amqp", { ...base, auth: { username: secret("u") } })).join(), /spec\.amqp\.e\.auth: auth needs username and password/);
  });
});

describe("mqtt EventSource schema", () => {
  const base = { url: "tcp://mqtt:1883", topic: "bar", clientId: "2345" };

  it("accepts Argo's fields", () => {
    const r = es("mqtt", { ...base, jsonBody: true, connectionBackoff: { duration: "10s" }, auth: { username: secret("u"), password: secret("p") }, tls: { insecureSkipVerify: true }, metadata: { a: "b" } });
    assert.ok(r.ok, paths(r).join("\n"));
  });

  it("needs a broker URL, a topic and a client id", () => {
    assert.match(paths(es("mqtt", { ...base, url: "mqtt" })).join(), /spec\.mqtt\.e\.url: must be a broker URL/);
    assert.match(paths(es("mqtt", { ...base, clientId: "" })).join(), /spec\.mqtt\.e\.clientId/);
    assert.match(paths(es("mqtt", { url: base.url, clientId: "c" })).join(), /spec\.mqtt\.e\.topic/);
  });
});
