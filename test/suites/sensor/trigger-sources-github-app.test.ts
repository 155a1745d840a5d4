// source.git with githubApp: a JWT signed with the App's key is exchanged for an installation token at a local GitHub
// API (test/kit/github-api.ts, written from GitHub's docs), and the token is the password git http-backend checks.
import assert from "node:assert/strict";
import { generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { K8sSource, type ImpulseError } from "@impulse/api";
import { createSourceLoader } from "@impulse/sensor";
import { createRepo, type TestRepo } from "../../kit/git-repo.js";
import { startGitHttp, type GitHttpServer } from "../../kit/git-http.js";
import { startGithubApi, type GithubApiServer } from "../../kit/github-api.js";
import { testLogger } from "../../kit/log.js";

const app = { appId: 12345, installationId: 67890 };
const keys = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
const other = generateKeyPairSync("rsa", { modulusLength: 2048, privateKeyEncoding: { type: "pkcs8", format: "pem" }, publicKeyEncoding: { type: "spki", format: "pem" } });
let repo: TestRepo;
let git: GitHttpServer;
let github: GithubApiServer;
let cacheDir: string;
const ac = new AbortController();

before(async () => {
  repo = createRepo();
  repo.commit("main", { "wf.yaml": "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n" });
  // Installation tokens as the fake hands them out (ghs_…), for the user GitHub expects them with.
  git = await startGitHttp({ root: repo.root, auth: { user: "x-access-token", password: /^ghs_installation\d+$/ } });
  github = await startGithubApi({ tokens: [], repositories: [], app: { ...app, publicKeyPem: keys.publicKey } });
  cacheDir = mkdtempSync(join(tmpdir(), "impulse-sources-app-"));
});
after(async () => {
  ac.abort();
  await git?.stop();
  await github?.close();
  repo?.remove();
  rmSync(cacheDir, { recursive: true, force: true });
});

function loader(pem: string) {
  return createSourceLoader({
    sensorName: "s",
    triggerName: `t-${pem === keys.privateKey ? "app" : "other"}`,
    at: "spec.triggers[0].template.argoWorkflow.source",
    secrets: async () => pem,
    egress: [],
    logger: testLogger(),
    cacheDir,
    signal: ac.signal,
  });
}
// The schema refuses githubApp over http:// (the token would travel in clear); this suite's git server is plain http
// to keep it small, so the source is given to the loader as parsed (the loader does not validate again): what is
// tested here is the token exchange.
const source = () =>
  ({
    git: {
      url: `${git.url}/${repo.name}`,
      filePath: "wf.yaml",
      githubApp: { privateKey: { name: "app", key: "pem" }, appID: app.appId, installationID: app.installationId, baseURL: github.url },
    },
  }) as unknown as K8sSource;

describe("source.git with githubApp", () => {
  it("fetches with an installation token, asked for once while it is valid", async () => {
    const l = loader(keys.privateKey);
    const call = { kube: () => assert.fail("no cluster"), namespace: "default" };
    assert.equal((await l.load(source(), call, ac.signal)).metadata.name, "app");
    assert.equal((await l.load(source(), call, ac.signal)).metadata.name, "app");
    const exchanges = github.requests.filter((r) => r.path.endsWith(`/app/installations/${app.installationId}/access_tokens`));
    assert.deepEqual(exchanges.map((r) => r.status), [201]);
  });

  it("names githubApp when GitHub refuses the App's JWT", async () => {
    const call = { kube: () => assert.fail("no cluster"), namespace: "default" };
    const e = (await loader(other.privateKey).load(source(), call, ac.signal).catch((x: unknown) => x)) as ImpulseError;
    assert.match(e.message, /^spec\.triggers\[0\]\.template\.argoWorkflow\.source\.git\.githubApp: GitHub answered 401 for an installation token \(App 12345, installation 67890\)/);
    assert.equal(e.retryable, false);
  });

  it("is accepted by the schema over https, refused over http", () => {
    const g = { filePath: "wf.yaml", githubApp: { privateKey: { name: "app", key: "pem" }, appID: 1, installationID: 2 } };
    assert.equal(K8sSource.safeParse({ git: { url: "https://github.com/o/r.git", ...g } }).success, true);
    assert.match(JSON.stringify(K8sSource.safeParse({ git: { url: "http://h/r.git", ...g } }).error?.issues), /would travel in clear/);
  });
});
