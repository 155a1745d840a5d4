// The k8s/argoWorkflow `source` kinds git, url and file against real servers: git http-backend behind HTTPS with basic
// auth, Debian's sshd with its own host key, a self-signed HTTPS server; the source loader as the triggers use it.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:https";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { ErrorCodes, K8sSource, type EgressPolicy, type ImpulseError } from "@impulse/api";
import { createSourceLoader, type SourceLoader } from "@impulse/sensor";
import { serverCerts, type ServerCerts } from "../../kit/certs.js";
import { createRepo, type TestRepo } from "../../kit/git-repo.js";
import { startGitHttp, type GitHttpServer } from "../../kit/git-http.js";
import { sshdMissing, startSshd, type Sshd } from "../../kit/sshd.js";
import { testLogger } from "../../kit/log.js";

const AT = "spec.triggers[0].template.k8s.source";
const cm = (v: string) => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-git\ndata:\n  version: "${v}"\n`;

let repo: TestRepo;
let https: GitHttpServer;
let http: GitHttpServer;
let sshd: Sshd | undefined;
let files: ServerCerts;
let web: { url: string; close(): void; hits: string[] };
const dirs: string[] = [];
const commits: Record<string, string> = {};
const ac = new AbortController();
const secrets: Record<string, string> = {};

before(async () => {
  repo = createRepo();
  commits["v1"] = repo.commit("main", { "deploy/wf.yaml": cm("1"), "link.yaml": "->/etc/passwd", "big/readme": "x" }, "v1");
  repo.tag("v1", commits["v1"]);
  commits["release"] = repo.commit("release", { "deploy/wf.yaml": cm("release") }, "release");
  commits["v2"] = repo.commit("main", { "deploy/wf.yaml": cm("2") }, "v2");
  https = await startGitHttp({ root: repo.root, tls: true, auth: { user: "ci", password: "s3cret:pass" } });
  http = await startGitHttp({ root: repo.root });
  if (!sshdMissing()) sshd = await startSshd();
  Object.assign(secrets, { "git/username": "ci", "git/password": "s3cret:pass", "git/wrong": "nope", "git/ca": https.certs!.ca });
  if (sshd) Object.assign(secrets, { "ssh/key": sshd.clientKey, "ssh/stranger": sshd.strangerKey, "ssh/known": sshd.knownHosts });

  files = serverCerts();
  const hits: string[] = [];
  const server = createServer({ cert: files.cert, key: files.key }, (req, res) => {
    hits.push(req.url ?? "");
    if (req.url === "/wf.yaml") res.writeHead(200, { "content-type": "application/yaml" }).end(cm("url"));
    else if (req.url === "/moved") res.writeHead(302, { location: "/wf.yaml" }).end();
    else if (req.url === "/huge") res.writeHead(200).end("x".repeat(2 << 20));
    else res.writeHead(404).end("no such file");
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  web = { url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`, hits, close: () => (server.closeAllConnections(), server.close()) };
  secrets["web/ca"] = files.ca;
});
after(async () => {
  ac.abort();
  await https?.stop();
  await http?.stop();
  await sshd?.stop();
  web?.close();
  repo?.remove();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  if (files) rmSync(files.dir, { recursive: true, force: true });
});

function loader(opts: { egress?: EgressPolicy; trigger?: string } = {}): SourceLoader {
  const cacheDir = mkdtempSync(join(tmpdir(), "impulse-sources-test-"));
  dirs.push(cacheDir);
  return createSourceLoader({
    sensorName: "s",
    triggerName: opts.trigger ?? "t",
    at: AT,
    secrets: async (ref) => {
      const v = secrets[`${ref.name}/${ref.key}`];
      if (v === undefined) throw new Error(`no secret ${ref.name}/${ref.key}`);
      return v;
    },
    egress: opts.egress ? [{ source: "spec.egressPolicy", policy: opts.egress }] : [],
    logger: testLogger(),
    cacheDir,
    signal: ac.signal,
  });
}

const noKube = { kube: () => assert.fail("no cluster needed"), namespace: "default" };
const read = async (l: SourceLoader, source: unknown) => (await l.load(K8sSource.parse(source), noKube, ac.signal)) as unknown as { data: { version: string }; metadata: { name: string } };
const failure = async (p: Promise<unknown>): Promise<ImpulseError> => {
  try {
    await p;
  } catch (e) {
    return e as ImpulseError;
  }
  return assert.fail("expected a failure");
};
const creds = { username: { name: "git", key: "username" }, password: { name: "git", key: "password" } };
const overHttps = (extra: object = {}) => ({ git: { url: `${https.url}/workflows.git`, filePath: "deploy/wf.yaml", creds, caCertSecret: { name: "git", key: "ca" }, ...extra } });
const fetches = (s: GitHttpServer) => s.requests.filter((r) => r.startsWith("POST") && r.includes("git-upload-pack")).length;

describe("source.git over https (git http-backend, basic auth, own CA)", () => {
  it("reads the default branch, and sees a push at the next firing", async () => {
    const l = loader();
    assert.equal((await read(l, overHttps())).data.version, "2");
    const pushed = repo.commit("main", { "deploy/wf.yaml": cm("3") }, "v3");
    assert.equal((await read(l, overHttps())).data.version, "3");
    // Back to v2's content for the other tests (a new commit: history is never rewritten).
    commits["v4"] = repo.commit("main", { "deploy/wf.yaml": cm("2") }, "v4");
    assert.notEqual(pushed, commits["v4"]);
  });

  it("selects a branch, a tag, a full ref and a commit id", async () => {
    assert.equal((await read(loader(), overHttps({ branch: "release" }))).data.version, "release");
    assert.equal((await read(loader(), overHttps({ tag: "v1" }))).data.version, "1");
    assert.equal((await read(loader(), overHttps({ ref: "refs/heads/release" }))).data.version, "release");
    assert.equal((await read(loader(), overHttps({ ref: commits["v1"] }))).data.version, "1");
  });

  it("fetches a commit id once: later firings make no request", async () => {
    const l = loader();
    await read(l, overHttps({ ref: commits["release"] }));
    const seen = https.requests.length;
    for (let i = 0; i < 3; i++) assert.equal((await read(l, overHttps({ ref: commits["release"] }))).data.version, "release");
    assert.equal(https.requests.length, seen);
  });

  it("shares one fetch among firings that arrive while it runs", async () => {
    const l = loader();
    const before = fetches(https);
    const all = await Promise.all(Array.from({ length: 5 }, () => read(l, overHttps({ branch: "release" }))));
    assert.deepEqual(all.map((o) => o.data.version), Array(5).fill("release"));
    const single = fetches(https) - before;
    const again = fetches(https);
    await read(loader(), overHttps({ branch: "release" }));
    assert.equal(single, fetches(https) - again, "five concurrent firings cost what one firing costs");
  });

  it("names the field when the password is wrong, without showing it", async () => {
    const e = await failure(read(loader(), overHttps({ creds: { ...creds, password: { name: "git", key: "wrong" } } })));
    assert.equal(e.code, ErrorCodes.TriggerFailed);
    assert.match(e.message, new RegExp(`^${AT.replace(/[.[\]]/g, "\\$&")}\\.git\\.url: cannot fetch the default branch \\(HEAD\\) from ${https.url}/workflows.git: `));
    assert.match(e.message, /Authentication failed|401/);
    assert.doesNotMatch(e.message, /nope|s3cret/);
  });

  it("refuses a server whose CA is not given", async () => {
    const e = await failure(read(loader(), overHttps({ caCertSecret: undefined })));
    assert.match(e.message, /\.git\.url: cannot fetch .*(certificate|SSL)/i);
  });

  it("names filePath when the file is missing, a symlink or a directory", async () => {
    assert.match((await failure(read(loader(), overHttps({ filePath: "nope.yaml" })))).message, /\.git\.filePath: nope\.yaml is not in commit [0-9a-f]{12}/);
    assert.match((await failure(read(loader(), overHttps({ tag: "v1", filePath: "link.yaml" })))).message, /\.git\.filePath: link\.yaml is a symbolic link/);
    assert.match((await failure(read(loader(), overHttps({ filePath: "deploy" })))).message, /\.git\.filePath: deploy is a tree, not a file/);
  });

  it("names the branch that does not exist", async () => {
    const e = await failure(read(loader(), overHttps({ branch: "nope" })));
    assert.match(e.message, /\.git\.url: cannot fetch branch nope from .*does not exist there/);
  });

  it("reads over plain http, and through a remote that replaces url", async () => {
    assert.equal((await read(loader(), { git: { url: `${http.url}/workflows.git`, filePath: "deploy/wf.yaml", tag: "v1" } })).data.version, "1");
    const viaRemote = { git: { url: "https://unused.invalid/r.git", filePath: "deploy/wf.yaml", branch: "release", remote: { name: "mirror", urls: [`${http.url}/workflows.git`] } } };
    assert.equal((await read(loader(), viaRemote)).data.version, "release");
  });

  it("keeps the clone under cloneDirectory when one is given", async () => {
    const dir = mkdtempSync(join(tmpdir(), "impulse-clone-dir-"));
    dirs.push(dir);
    assert.equal((await read(loader(), overHttps({ cloneDirectory: dir }))).data.version, "2");
    writeFileSync(join(dir, "blocker"), "");
    const e = await failure(read(loader(), overHttps({ cloneDirectory: join(dir, "blocker") })));
    assert.match(e.message, /\.git\.cloneDirectory: cannot prepare the clone/);
  });

  it("is subject to the egress policy", async () => {
    const e = await failure(read(loader({ egress: { deny: ["127.0.0.0/8"] } }), overHttps()));
    assert.equal(e.code, ErrorCodes.EgressDenied);
    assert.match(e.message, /\.git\.url: egress policy refused/);
  });
});

describe("source.git over ssh (Debian's sshd, own host key)", { skip: sshdMissing() }, () => {
  const overSsh = (extra: object = {}) => ({ git: { url: sshd!.url(`${repo.root}/workflows.git`), filePath: "deploy/wf.yaml", sshKeySecret: { name: "ssh", key: "key" }, knownHostsSecret: { name: "ssh", key: "known" }, ...extra } });

  it("fetches with a key from a Secret and a known host key, any selection", async () => {
    assert.equal((await read(loader(), overSsh())).data.version, "2");
    assert.equal((await read(loader(), overSsh({ tag: "v1" }))).data.version, "1");
    assert.equal((await read(loader(), overSsh({ ref: commits["release"] }))).data.version, "release");
  });

  it("refuses an unknown host key, naming knownHostsSecret, unless insecureIgnoreHostKey", async () => {
    const e = await failure(read(loader(), overSsh({ knownHostsSecret: undefined })));
    assert.equal(e.code, ErrorCodes.TriggerFailed);
    assert.equal(e.retryable, false);
    assert.match(e.message, /\.git\.url: cannot fetch .*Host key verification failed.*knownHostsSecret, or set insecureIgnoreHostKey/);
    assert.equal((await read(loader(), overSsh({ knownHostsSecret: undefined, insecureIgnoreHostKey: true }))).data.version, "2");
  });

  it("refuses a key the server does not know", async () => {
    const e = await failure(read(loader(), overSsh({ sshKeySecret: { name: "ssh", key: "stranger" } })));
    assert.match(e.message, /\.git\.url: cannot fetch .*Permission denied/);
  });
});

describe("source.url (self-signed HTTPS)", () => {
  it("reads with the CA from a Secret, and refuses an unknown CA unless verifyCert: false is written", async () => {
    assert.equal((await read(loader(), { url: { path: `${web.url}/wf.yaml`, caCertSecret: { name: "web", key: "ca" } } })).data.version, "url");
    const e = await failure(read(loader(), { url: { path: `${web.url}/wf.yaml` } }));
    assert.match(e.message, new RegExp(`^${AT.replace(/[.[\]]/g, "\\$&")}\\.url\\.path: GET ${web.url}/wf.yaml: .*(certificate|self.signed)`, "i"));
    assert.equal((await read(loader(), { url: { path: `${web.url}/wf.yaml`, verifycert: false } })).data.version, "url");
  });

  it("names the field on a 404, a redirect and an oversized answer", async () => {
    const ca = { caCertSecret: { name: "web", key: "ca" } };
    const missing = await failure(read(loader(), { url: { path: `${web.url}/nope.yaml`, ...ca } }));
    assert.match(missing.message, /\.url\.path: GET .*\/nope\.yaml answered 404: no such file/);
    assert.equal(missing.retryable, false);
    assert.match((await failure(read(loader(), { url: { path: `${web.url}/moved`, ...ca } }))).message, /answered 302 \(redirects are not followed: set path to \/wf\.yaml\)/);
    assert.match((await failure(read(loader(), { url: { path: `${web.url}/huge`, ...ca } }))).message, /\.url\.path: .* is larger than the 1048576 bytes/);
  });

  it("is subject to the egress policy", async () => {
    const e = await failure(read(loader({ egress: { deny: ["127.0.0.1"] } }), { url: { path: `${web.url}/wf.yaml`, verifyCert: false } }));
    assert.equal(e.code, ErrorCodes.EgressDenied);
    assert.match(e.message, /\.url\.path: egress policy refused/);
  });
});

describe("source.file", () => {
  it("reads a mounted file at each firing, and names the path when it is missing", async () => {
    const dir = mkdtempSync(join(tmpdir(), "impulse-file-source-"));
    dirs.push(dir);
    const l = loader();
    writeFileSync(join(dir, "wf.yaml"), cm("file-1"));
    assert.equal((await read(l, { file: { path: join(dir, "wf.yaml") } })).data.version, "file-1");
    writeFileSync(join(dir, "wf.yaml"), cm("file-2"));
    assert.equal((await read(l, { file: { path: join(dir, "wf.yaml") } })).data.version, "file-2");
    const e = await failure(read(l, { file: { path: join(dir, "nope.yaml") } }));
    assert.match(e.message, /\.file\.path: cannot read .*nope\.yaml: not found in the sensor's container/);
    writeFileSync(join(dir, "bad.yaml"), "kind: [");
    assert.match((await failure(read(l, { file: { path: join(dir, "bad.yaml") } }))).message, /\.file\.path .*bad\.yaml: not valid YAML/);
  });
});
