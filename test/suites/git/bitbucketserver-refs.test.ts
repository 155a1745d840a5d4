// bitbucketserver's repo:refs_changed options (oneEventPerChange, skipBranchRefsChangedOnOpenPR) and `tls`, against the
// local Bitbucket Server REST server (test/kit/bitbucketserver-api.ts) served over mutual TLS, on a real nats-server.
import assert from "node:assert/strict";
import { createHmac, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { startBitbucketServerApi, type BitbucketServerApiServer } from "../../kit/bitbucketserver-api.js";
import { tapBus, type Tap } from "../../kit/bus-tap.js";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { metricValue, startEventSource, type Started } from "../../kit/runtimes.js";
import { makeTestCerts, type TestCerts } from "../../kit/tls-certs.js";
import { waitFor } from "../../kit/wait.js";
import { post } from "../../kit/webhook-post.js";

const NS = "git-bbs-refs";
const SECRET = "bbs-refs-s3cret";
const TOKEN = "BBDC-refs-1";
let certs: TestCerts;
let nats: NatsServer;
let api: BitbucketServerApiServer;
const running: { stop(): Promise<void> }[] = [];
const secrets = async (ref: { name: string; key: string }) =>
  ({ secret: SECRET, token: TOKEN, ca: certs.pem.ca, cert: certs.pem.clientCert, key: certs.pem.clientKey })[ref.key] ?? "";

type Running = Started & { running: { health(): { healthy: boolean; components: Record<string, { healthy: boolean; error?: string }> } } };
async function es(name: string, events: Record<string, unknown>): Promise<Running> {
  const s = await startEventSource(nats.url, NS, eventSource(name, { bitbucketserver: events }), { secrets });
  running.push(s);
  return s;
}
async function tap(name: string, event: string): Promise<Tap> {
  const t = await tapBus(nats.url, NS, name, event);
  running.push(t);
  return t;
}
const sign = (body: string) => `sha256=${createHmac("sha256", SECRET).update(body).digest("hex")}`;
const headers = (body: string, id: string) => ({ "content-type": "application/json; charset=utf-8", "x-event-key": "repo:refs_changed", "x-request-id": id, "x-hub-signature": sign(body) });
const change = (ref: string, toHash: string, type = "UPDATE", refType = "BRANCH") => ({
  ref: { id: ref, displayId: ref.split("/").pop(), type: refType },
  refId: ref,
  fromHash: "1".repeat(40),
  toHash,
  type,
});
const refsChanged = (changes: unknown[]) => ({
  eventKey: "repo:refs_changed",
  date: "2026-11-30T12:00:00+0000",
  actor: { name: "ann", emailAddress: "ann@example.com", id: 1, displayName: "Ann", active: true, slug: "ann", type: "NORMAL" },
  repository: { slug: "shop", id: 84, name: "shop", scmId: "git", state: "AVAILABLE", forkable: true, project: { key: "PROJ", id: 84, name: "Project", public: false, type: "NORMAL" }, public: false },
  changes,
});
const OPEN = "a".repeat(40);
const MERGED = "b".repeat(40);
const FREE = "c".repeat(40);
const TAG = "d".repeat(40);

before(async () => {
  certs = makeTestCerts();
  nats = await startNats();
  api = await startBitbucketServerApi({ tokens: [TOKEN], repositories: ["PROJ/shop"], tls: { cert: readFileSync(certs.files.serverCert, "utf8"), key: readFileSync(certs.files.serverKey, "utf8"), clientCa: certs.pem.ca } });
  api.pullRequests.set(`PROJ/shop/${OPEN}`, [{ id: 7, state: "OPEN" }]);
  api.pullRequests.set(`PROJ/shop/${MERGED}`, [{ id: 3, state: "MERGED" }]);
});
after(async () => {
  for (const r of running.reverse()) await r.stop().catch(() => undefined);
  await api?.close();
  await nats?.stop();
});

describe("bitbucketserver repo:refs_changed with oneEventPerChange and skipBranchRefsChangedOnOpenPR, over mutual TLS", () => {
  let url: string;
  let s: Running;
  let t: Tap;
  before(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}/bbs`;
    t = await tap("refs", "push");
    s = await es("refs", {
      push: {
        webhook: { port: String(port), endpoint: "/bbs", method: "POST", url: "https://hooks.example.com" },
        repositories: [{ projectKey: "PROJ", repositorySlug: "shop" }],
        events: ["repo:refs_changed"],
        accessToken: { name: "bb", key: "token" },
        webhookSecret: { name: "bb", key: "secret" },
        bitbucketserverBaseURL: api.url,
        oneEventPerChange: true,
        skipBranchRefsChangedOnOpenPR: true,
        tls: { caCertSecret: { name: "bb", key: "ca" }, clientCertSecret: { name: "bb", key: "cert" }, clientKeySecret: { name: "bb", key: "key" } },
        metadata: { team: "web" },
      },
    });
    await waitFor("hook registered over TLS", () => s.running.health().healthy, 30_000);
  });

  it("registers the hook through the REST API over mutual TLS (tls: CA, client certificate)", () => {
    assert.equal(api.hooks.get("PROJ/shop")?.[0]?.url, "https://hooks.example.com/bbs");
  });

  it("stores one event per change, skipping the branch update that has an open pull request; a resend stores each once", async () => {
    const id = randomUUID();
    const changes = [change("refs/heads/feature", OPEN), change("refs/heads/main", MERGED), change("refs/tags/v1.0", TAG, "ADD", "TAG"), change("refs/heads/gone", FREE, "DELETE")];
    const body = JSON.stringify(refsChanged(changes));
    const r = await post(url, body, headers(body, id));
    assert.deepEqual([r.status, r.json?.["eventIds"]], [200, [`${id}:1`, `${id}:2`, `${id}:3`]], JSON.stringify(r.json));
    const stored = await waitFor("three events", () => (t.events.length >= 3 ? t.events.slice(0, 3) : undefined));
    assert.deepEqual(
      stored.map((e) => (e.data as { body: { changes: { refId: string }[] } }).body.changes.map((c) => c.refId)),
      [["refs/heads/main"], ["refs/tags/v1.0"], ["refs/heads/gone"]],
    );
    const first = stored[0]!.data as { headers: Record<string, string[]>; body: Record<string, unknown>; metadata: unknown };
    assert.deepEqual(first.body, { ...refsChanged([changes[1]]) });
    assert.deepEqual(first.headers["X-Event-Key"], ["repo:refs_changed"]);
    assert.deepEqual(first.metadata, { team: "web" });
    // Only the two branch updates were looked up (tags and deletes never are), over the TLS connection.
    const looked = api.requests.filter((q) => q.path.includes("/commits/")).map((q) => q.path.split("/")[9]);
    assert.deepEqual(looked, [OPEN, MERGED]);
    const again = await post(url, body, headers(body, id));
    assert.deepEqual([again.status, again.json?.["duplicates"]], [200, 3]);
    assert.equal(t.events.length, 3);
  });

  it("stores nothing when every changed branch has an open pull request (200 filtered, counted)", async () => {
    const before = t.events.length;
    const body = JSON.stringify(refsChanged([change("refs/heads/feature", OPEN)]));
    const r = await post(url, body, headers(body, randomUUID()));
    assert.deepEqual([r.status, r.json?.["status"]], [200, "filtered"]);
    assert.match(String(r.json?.["reason"]), /open pull request/);
    assert.ok((await metricValue(s.registry, "impulse_eventsource_events_filtered_total", { reason: "expand" })) >= 1);
    const body2 = JSON.stringify(refsChanged([change("refs/heads/main", FREE)]));
    await post(url, body2, headers(body2, "after"));
    await waitFor("the next delivery", () => t.events.some((e) => e.id === "after:0"));
    assert.equal(t.events.length, before + 1);
  });

  it("answers 502 and stores nothing when the pull requests cannot be listed", async () => {
    const before = t.events.length;
    api.failNext(1, 500);
    const body = JSON.stringify(refsChanged([change("refs/heads/main", FREE)]));
    const r = await post(url, body, headers(body, randomUUID()));
    assert.equal(r.status, 502);
    assert.match(String(r.json?.["error"]), /could not list the pull requests of PROJ\/shop/);
    assert.ok((await metricValue(s.registry, "impulse_eventsource_events_failed_total", { reason: "upstream" })) >= 1);
    const body2 = JSON.stringify(refsChanged([change("refs/heads/main", FREE)]));
    await post(url, body2, headers(body2, "after-failure"));
    await waitFor("the next delivery", () => t.events.some((e) => e.id === "after-failure:0"));
    assert.equal(t.events.length, before + 1);
  });
});

describe("bitbucketserver tls", () => {
  it("without the CA the server's certificate is not trusted: registration fails on /health, naming the certificate", async () => {
    const port = await freePort();
    const s = await es("untrusted", {
      push: {
        webhook: { port: String(port), endpoint: "/bbs", url: "https://hooks.example.com" },
        repositories: [{ projectKey: "PROJ", repositorySlug: "shop" }],
        events: ["repo:refs_changed"],
        accessToken: { name: "bb", key: "token" },
        bitbucketserverBaseURL: api.url,
        tls: { clientCertSecret: { name: "bb", key: "cert" }, clientKeySecret: { name: "bb", key: "key" } },
      },
    });
    const bad = await waitFor("unhealthy", () => Object.values(s.running.health().components).find((c) => !c.healthy && /registration failed/.test(c.error ?? "")));
    assert.match(bad.error!, /certificate/i);
  });
});
