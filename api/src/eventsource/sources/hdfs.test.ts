// Schema of the hdfs EventSource: Argo's fields accepted, an RPC address and Kerberos refused with what to do instead.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseResource } from "../../validate.js";

const es = (entry: Record<string, unknown>) =>
  parseResource({ apiVersion: "argoproj.io/v1alpha1", kind: "EventSource", metadata: { name: "h" }, spec: { hdfs: { e: entry } } });
const errors = (r: ReturnType<typeof es>) => (r.ok ? "" : r.errors.map((e) => `${e.path}: ${e.message}`).join("\n"));
const base = { directory: "/tmp/", type: "CREATE", path: "x.txt", addresses: ["namenode-0.hdfs:9870"] };

describe("hdfs EventSource schema", () => {
  it("accepts Argo's fields with WebHDFS addresses", () => {
    const r = es({ ...base, addresses: ["nn-0:9870", "https://nn-1.example.com:9871"], hdfsUser: "root", checkInterval: "30s", metadata: { a: "b" }, filter: { expression: "true" } });
    assert.ok(r.ok, errors(r));
    assert.ok(es({ ...base, path: undefined, pathRegexp: "\\.csv$" }).ok);
  });

  it("refuses a NameNode RPC address (Argo's example) and says to use the HTTP one", () => {
    assert.match(errors(es({ ...base, addresses: ["my-hdfs-namenode-0.my-hdfs-namenode.default.svc.cluster.local:8020"] })), /spec\.hdfs\.e\.addresses\[0\]: port 8020 is the NameNode's RPC port; Impulse reads HDFS over WebHDFS: give its HTTP address \(dfs\.namenode\.http-address, 9870 by default\)/);
    assert.ok(es({ ...base, addresses: ["http://nn:8020"] }).ok, "an explicit URL is taken as written");
    assert.match(errors(es({ ...base, addresses: ["nn"] })), /addresses\[0\]: must be host:port/);
    assert.match(errors(es({ ...base, addresses: [] })), /addresses/);
  });

  it("names Kerberos as not supported yet, and other mistakes by path", () => {
    assert.match(errors(es({ ...base, krbUsername: "user1", krbRealm: "X.COM" })), /spec\.hdfs\.e\.krbUsername: krbUsername: Kerberos is not supported yet/);
    assert.match(errors(es({ ...base, type: "OPEN" })), /spec\.hdfs\.e\.type/);
    assert.match(errors(es({ ...base, directory: "tmp" })), /spec\.hdfs\.e\.directory: must be an absolute HDFS path/);
    assert.match(errors(es({ ...base, path: undefined })), /set path or pathRegexp/);
    assert.match(errors(es({ ...base, checkInterval: "soon" })), /checkInterval: must be a positive Go duration/);
  });
});
