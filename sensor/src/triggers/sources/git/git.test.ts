// The git source's pure parts: what is fetched, the ssh user, tree entries, shell quoting, the child's environment.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { credentialScope, shellQuote } from "./auth.js";
import { childEnvironment, summary } from "./command.js";
import { selection, treeEntry, withSshUser } from "./index.js";

describe("git source", () => {
  it("fetches ref over tag over branch, a commit id as such, else the remote's HEAD", () => {
    assert.deepEqual(selection({}), { src: "HEAD", text: "the default branch (HEAD)" });
    assert.equal(selection({ branch: "main" }).src, "refs/heads/main");
    assert.equal(selection({ tag: "v1" }).src, "refs/tags/v1");
    assert.equal(selection({ ref: "refs/pull/1/head" }).src, "refs/pull/1/head");
    const id = "0123456789abcdef0123456789abcdef01234567";
    assert.deepEqual(selection({ ref: id }), { src: id, text: `commit ${id}`, commit: id });
  });

  it("logs in as git when the URL names no user, as Argo does", () => {
    assert.equal(withSshUser("github.com:org/repo.git"), "git@github.com:org/repo.git");
    assert.equal(withSshUser("deploy@github.com:org/repo.git"), "deploy@github.com:org/repo.git");
    assert.equal(withSshUser("ssh://h:2222/srv/r.git"), "ssh://git@h:2222/srv/r.git");
    assert.equal(withSshUser("ssh://me@h/srv/r.git"), "ssh://me@h/srv/r.git");
  });

  it("reads ls-tree entries", () => {
    assert.deepEqual(treeEntry("100644 blob 0123abcd\tdeploy/wf.yaml\0"), { mode: "100644", type: "blob", oid: "0123abcd" });
    assert.equal(treeEntry("120000 blob ab\tlink\0")?.mode, "120000");
    assert.equal(treeEntry(""), undefined);
  });

  it("quotes paths for the shell and scopes credentials to the origin", () => {
    assert.equal(shellQuote("/tmp/it's here"), `'/tmp/it'\\''s here'`);
    assert.equal(credentialScope("https://user@git.example.com:8443/org/r.git"), "https://git.example.com:8443");
  });

  it("runs git without git's own variables, and masks credentials in its messages", () => {
    const env = childEnvironment({ PATH: "/usr/bin", GIT_SSH_COMMAND: "evil", GIT_SSL_CAINFO: "/x", HTTPS_PROXY: "http://p" });
    assert.deepEqual(env, { PATH: "/usr/bin", HTTPS_PROXY: "http://p", GIT_TERMINAL_PROMPT: "0" });
    assert.equal(summary("hint: x\nfatal: unable to access 'https://u:pw@h/r.git/': 401\n"), "fatal: unable to access 'https://***@h/r.git/': 401");
  });
});
