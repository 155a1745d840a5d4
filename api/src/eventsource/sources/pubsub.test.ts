// Schema of the pubSub EventSource: Argo's fields accepted, Argo's rules (topic or subscriptionID) named by path.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseResource } from "../../validate.js";

const es = (entry: Record<string, unknown>) =>
  parseResource({ apiVersion: "argoproj.io/v1alpha1", kind: "EventSource", metadata: { name: "n" }, spec: { pubSub: { e: entry } } });
const errors = (r: ReturnType<typeof es>) => (r.ok ? "" : r.errors.map((e) => `${e.path}: ${e.message}`).join("\n"));

describe("pubSub EventSource schema", () => {
  it("accepts Argo's fields", () => {
    const r = es({
      projectID: "argo-events-XXXXX",
      topicProjectID: "other",
      topic: "test",
      subscriptionID: "test-sub",
      credentialSecret: { name: "my-secret", key: "secret-key" },
      deleteSubscriptionOnFinish: true,
      jsonBody: true,
      metadata: { a: "b" },
    });
    assert.ok(r.ok, errors(r));
    assert.ok(es({ subscriptionID: "existing" }).ok, "a subscription alone");
  });
  it("names what is wrong", () => {
    assert.match(errors(es({ projectID: "p" })), /spec\.pubSub\.e\.topic: set topic or subscriptionID/);
    assert.match(errors(es({ subscriptionID: "s1x", topicProjectID: "p" })), /spec\.pubSub\.e\.topicProjectID: topicProjectID needs topic/);
    assert.match(errors(es({ topic: "1bad" })), /spec\.pubSub\.e\.topic: must be a Pub\/Sub topic id/);
  });
});
