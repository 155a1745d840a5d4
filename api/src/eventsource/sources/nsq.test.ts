// Schema of the nsq EventSource: Argo's fields accepted, mistakes named by path.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseResource } from "../../validate.js";

const es = (entry: Record<string, unknown>) =>
  parseResource({ apiVersion: "argoproj.io/v1alpha1", kind: "EventSource", metadata: { name: "n" }, spec: { nsq: { e: entry } } });
const errors = (r: ReturnType<typeof es>) => (r.ok ? "" : r.errors.map((e) => `${e.path}: ${e.message}`).join("\n"));
const secret = { name: "s", key: "k" };

describe("nsq EventSource schema", () => {
  it("accepts Argo's fields", () => {
    const r = es({
      hostAddress: "nsqlookupd.argo-events.svc:4161",
      topic: "hello",
      channel: "my-channel#ephemeral",
      jsonBody: true,
      tls: { caCertSecret: secret, clientCertSecret: secret, clientKeySecret: secret },
      connectionBackoff: { duration: "10s", steps: 5, factor: 2, jitter: 0.2 },
      metadata: { a: "b" },
      filter: { expression: "body.a == 1" },
    });
    assert.ok(r.ok, errors(r));
  });
  it("names what is wrong", () => {
    assert.match(errors(es({ hostAddress: "l:4161", topic: "t" })), /spec\.nsq\.e\.channel/);
    assert.match(errors(es({ hostAddress: "nsqlookupd", topic: "t", channel: "c" })), /spec\.nsq\.e\.hostAddress: must be nsqlookupd's HTTP address/);
    assert.match(errors(es({ hostAddress: "l:4161", topic: "a b", channel: "c" })), /spec\.nsq\.e\.topic: must be an NSQ topic name/);
    assert.match(errors(es({ hostAddress: "l:4161", topic: "t", channel: "x".repeat(65) })), /spec\.nsq\.e\.channel: must be an NSQ channel name/);
  });
});
