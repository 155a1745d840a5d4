// The azureQueueStorage schema: Argo's fields accepted, a connection string required (Azure AD access not supported yet).
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseResource } from "../../validate.js";

const es = (entry: Record<string, unknown>) =>
  parseResource({ apiVersion: "argoproj.io/v1alpha1", kind: "EventSource", metadata: { name: "q" }, spec: { azureQueueStorage: { e: entry } } });
const paths = (r: ReturnType<typeof es>) => (r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`));
const conn = { name: "azure-secret", key: "connectionstring" };

describe("azureQueueStorage EventSource schema", () => {
  it("accepts Argo's fields", () => {
    const r = es({ queueName: "test", connectionString: conn, jsonBody: true, dlq: true, decodeMessage: false, waitTimeInSeconds: 2, metadata: { a: "b" }, filter: { expression: "body.x == 1" } });
    assert.ok(r.ok, paths(r).join("\n"));
  });

  it("names what is missing or not supported", () => {
    assert.match(paths(es({ connectionString: conn })).join(), /spec\.azureQueueStorage\.e\.queueName/);
    assert.match(paths(es({ queueName: "q", storageAccountName: "acct" })).join(), /spec\.azureQueueStorage\.e\.connectionString: storageAccountName alone \(Azure AD access\) is not supported yet/);
    assert.match(paths(es({ queueName: "q", connectionString: conn, waitTimeInSeconds: -1 })).join(), /spec\.azureQueueStorage\.e\.waitTimeInSeconds/);
  });
});
