// The bitbucketserver schema: Argo's repo:refs_changed options and tls accepted; skipping open PRs needs the token.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseResource } from "../../validate.js";

const es = (entry: Record<string, unknown>) =>
  parseResource({ apiVersion: "argoproj.io/v1alpha1", kind: "EventSource", metadata: { name: "b" }, spec: { bitbucketserver: { e: entry } } });
const paths = (r: ReturnType<typeof es>) => (r.ok ? [] : r.errors.map((e) => `${e.path}: ${e.message}`));
const base = { webhook: { endpoint: "/push", port: "12000" }, events: ["repo:refs_changed"], bitbucketserverBaseURL: "https://bitbucket.example.com/rest" };
const ref = (key: string) => ({ name: "bb", key });

describe("bitbucketserver EventSource schema", () => {
  it("accepts oneEventPerChange, skipBranchRefsChangedOnOpenPR with accessToken, and Argo's tls", () => {
    const r = es({
      ...base,
      accessToken: ref("token"),
      oneEventPerChange: true,
      skipBranchRefsChangedOnOpenPR: true,
      tls: { caCertSecret: ref("ca"), clientCertSecret: ref("cert"), clientKeySecret: ref("key"), insecureSkipVerify: false },
    });
    assert.ok(r.ok, paths(r).join("\n"));
  });

  it("refuses skipBranchRefsChangedOnOpenPR without accessToken and a half client certificate, naming the path", () => {
    assert.match(paths(es({ ...base, skipBranchRefsChangedOnOpenPR: true })).join(), /spec\.bitbucketserver\.e\.accessToken: is required with skipBranchRefsChangedOnOpenPR/);
    assert.match(paths(es({ ...base, tls: { clientCertSecret: ref("cert") } })).join(), /spec\.bitbucketserver\.e\.tls/);
  });
});
