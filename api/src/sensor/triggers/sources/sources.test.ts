// The source schemas: Argo's git/url/file fields accepted, mistakes named at their field, s3 still refused.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { gitUrlParts, K8sSource } from "./index.js";

const problems = (source: unknown) => K8sSource.safeParse(source).error?.issues.map((i) => `${i.path.join(".")}: ${i.message}`) ?? [];
const creds = { username: { name: "s", key: "u" }, password: { name: "s", key: "p" } };
const app = { privateKey: { name: "app", key: "pem" }, appID: 12345, installationID: 67890 };
const git = (extra: Record<string, unknown>) => ({ git: { url: "https://example.com/r.git", filePath: "wf.yaml", ...extra } });

describe("source schemas", () => {
  it("reads git URLs the way git does", () => {
    assert.deepEqual(gitUrlParts("git@github.com:argoproj/argo.git"), { scheme: "ssh", host: "github.com", user: "git" });
    assert.deepEqual(gitUrlParts("host.example:repo.git"), { scheme: "ssh", host: "host.example" });
    assert.deepEqual(gitUrlParts("ssh://git@127.0.0.1:2222/srv/r.git"), { scheme: "ssh", host: "127.0.0.1", user: "git" });
    assert.deepEqual(gitUrlParts("https://127.0.0.1:8443/r.git"), { scheme: "https", host: "127.0.0.1" });
    for (const bad of ["file:///srv/r.git", "ext::sh -c touch% /tmp/x", "-uhost:r", "/srv/r.git", "ftp://h/r"]) assert.equal(gitUrlParts(bad), undefined, bad);
  });

  it("accepts Argo's git fields", () => {
    assert.deepEqual(problems(git({ cloneDirectory: "/git/argoproj", tag: "v2.4.0", creds: { username: { name: "s", key: "u" }, password: { name: "s", key: "p" } } })), []);
    assert.deepEqual(problems({ git: { url: "git@github.com:argoproj/argo.git", filePath: "a/b.yaml", sshKeySecret: { name: "k", key: "key" }, branch: "master", insecureIgnoreHostKey: true } }), []);
    assert.deepEqual(problems(git({ ref: "refs/pull/42/head", remote: { name: "fork", urls: ["https://example.com/fork.git"] } })), []);
    assert.deepEqual(problems(git({ ref: "0123456789abcdef0123456789abcdef01234567" })), []);
    assert.deepEqual(problems(git({ githubApp: app })), []);
  });

  it("names the git field that is wrong", () => {
    assert.deepEqual(problems({ git: { url: "file:///etc", filePath: "x" } }), ["git.url: must be an https://, http://, ssh:// or user@host:path git URL"]);
    assert.match(problems(git({ filePath: "../../etc/passwd" })).join(), /git\.filePath: must be a relative path/);
    assert.match(problems(git({ cloneDirectory: "/git/../etc" })).join(), /git\.cloneDirectory: must not contain/);
    assert.match(problems(git({ branch: "main", tag: "v1" })).join(), /git\.tag: sets branch and tag; set one of branch, tag, ref/);
    assert.match(problems(git({ sshKeySecret: { name: "k", key: "key" } })).join(), /git\.sshKeySecret: sshKeySecret needs an ssh URL/);
    assert.match(problems({ git: { url: "http://h/r.git", filePath: "x", creds: { username: { name: "s", key: "u" }, password: { name: "s", key: "p" } } } }).join(), /git\.url: creds would travel in clear/);
    assert.match(problems(git({ creds: { username: { name: "s", key: "u" } } })).join(), /git\.creds: needs username and password/);
    assert.match(problems(git({ githubApp: { appID: 1 } })).join(), /git\.githubApp\.privateKey: /);
    assert.match(problems(git({ creds, githubApp: app })).join(), /git\.githubApp: set creds or githubApp, not both/);
    assert.match(problems(git({ branch: "a b" })).join(), /git\.branch: not a valid git ref name/);
    assert.match(problems(git({ remote: { name: "r", urls: ["nope"] } })).join(), /git\.remote\.urls\.0: must be/);
  });

  it("checks certificates unless verifyCert: false is written, and takes Argo's own spelling verifycert", () => {
    assert.equal(K8sSource.parse({ url: { path: "https://h/wf.yaml" } }).url?.verifyCert, undefined);
    assert.equal(K8sSource.parse({ url: { path: "https://h/wf.yaml", verifycert: false } }).url?.verifyCert, false);
    assert.match(problems({ url: { path: "ftp://h/wf.yaml" } }).join(), /^url\.path: /);
    assert.match(problems({ url: { path: "https://h/x", verifyCert: false, caCertSecret: { name: "c", key: "ca" } } }).join(), /url\.caCertSecret: caCertSecret is unused/);
  });

  it("takes an absolute file path", () => {
    assert.deepEqual(problems({ file: { path: "/workflows/hello.yaml" } }), []);
    assert.match(problems({ file: { path: "hello.yaml" } }).join(), /file\.path: must be an absolute path/);
  });

  it("needs exactly one kind; s3 needs its endpoint and keys", () => {
    assert.match(problems({}).join(), /needs one of resource, inline, configmap, file, url, git, s3/);
    assert.match(problems({ file: { path: "/a" }, inline: "x" }).join(), /sets inline and file; set exactly one/);
    assert.deepEqual(problems({ s3: { bucket: { name: "b", key: "k" } } }), [
      "s3.endpoint: Invalid input: expected string, received undefined",
      "s3.accessKey: Invalid input: expected object, received undefined",
      "s3.secretKey: Invalid input: expected object, received undefined",
    ]);
  });
});
