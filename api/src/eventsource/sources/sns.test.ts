// The sns schema: Argo's fields accepted; what is missing named with its path.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseResource } from "../../validate.js";

const es = (entry: Record<string, unknown>) =>
  parseResource({ apiVersion: "argoproj.io/v1alpha1", kind: "EventSource", metadata: { name: "n" }, spec: { sns: { e: entry } } });
const paths = (r: ReturnType<typeof es>) => (r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`));
const webhook = { endpoint: "/", port: "12000", method: "POST", url: "https://hooks.example.com" };
const key = (k: string) => ({ name: "aws-secret", key: k });

describe("sns EventSource schema", () => {
  it("accepts Argo's fields", () => {
    const r = es({
      topicArn: "arn:aws:sns:us-east-1:123456789012:orders",
      region: "us-east-1",
      webhook,
      accessKey: key("a"),
      secretKey: key("s"),
      roleARN: "arn:aws:iam::123456789012:role/r",
      endpoint: "http://localhost:4566",
      validateSignature: true,
      metadata: { a: "b" },
      filter: { expression: "body.Message != ''" },
    });
    assert.ok(r.ok, paths(r).join("\n"));
  });

  it("names what is missing", () => {
    assert.match(paths(es({ region: "us-east-1", webhook })).join(), /spec\.sns\.e\.topicArn/);
    assert.match(paths(es({ topicArn: "t", webhook })).join(), /spec\.sns\.e\.region/);
    assert.match(paths(es({ topicArn: "t", region: "r", webhook: { ...webhook, url: undefined } })).join(), /spec\.sns\.e\.webhook\.url: is required/);
    assert.match(paths(es({ topicArn: "t", region: "r", webhook, accessKey: key("a") })).join(), /spec\.sns\.e\.secretKey: accessKey and secretKey go together/);
    assert.match(paths(es({ topicArn: "t", region: "r", webhook, endpoint: "localhost:4566" })).join(), /spec\.sns\.e\.endpoint/);
  });
});
