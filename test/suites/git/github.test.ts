// The github source on a real nats-server, with hook registration against the local GitHub REST server (test/kit/github-api.ts).
import assert from "node:assert/strict";
import { createHmac, generateKeyPairSync } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { freePort, type Delivery, type EventBus, type NatsServer } from "@impulse/bus";
import { pino } from "pino";
import { request } from "undici";
import { startGithubApi, type GithubApiServer } from "../../kit/github-api.js";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { connectBus, metricValue, startEventSource, type Started } from "../../kit/runtimes.js";
import { waitFor } from "../../kit/wait.js";

const NS = "git-github";
// GitHub's documented example secret (docs.github.com: validating webhook deliveries).
const SECRET = "It's a Secret to Everybody";
const TOKEN = "ghp_personal_token_1";
const EXTERNAL = "https://hooks.example.com";
const keys = generateKeyPairSync("rsa", { modulusLength: 2048, publicKeyEncoding: { type: "spki", format: "pem" }, privateKeyEncoding: { type: "pkcs8", format: "pem" } });
const SECRETS: Record<string, string> = { "gh/secret": SECRET, "gh/token": TOKEN, "gh/bad-token": "ghp_revoked", "gh/app-key": keys.privateKey, "hm/key": "hm4c-k3y" };

let nats: NatsServer;
let api: GithubApiServer;
let es: Started & { running: { health(): { healthy: boolean; components: Record<string, { healthy: boolean; error?: string }> } } };
let reader: EventBus;
let port: number;
const got: Delivery[] = [];
const logs: string[] = [];

const sign = (body: string | Buffer, secret = SECRET, alg = "sha256") => `${alg}=${createHmac(alg, secret).update(body).digest("hex")}`;
async function deliver(path: string, body: string, headers: Record<string, string>) {
  const res = await request(`http://127.0.0.1:${port}${path}`, { method: "POST", headers, body });
  return { status: res.statusCode, json: (await res.body.json().catch(() => undefined)) as Record<string, unknown> | undefined };
}
const ghHeaders = (body: string, event = "push", delivery = crypto.randomUUID()) => ({
  "content-type": "application/json",
  "x-github-event": event,
  "x-github-delivery": delivery,
  "x-hub-signature-256": sign(body),
  "user-agent": "GitHub-Hookshot/abc",
});

before(async () => {
  nats = await startNats();
  api = await startGithubApi({
    tokens: [TOKEN],
    repositories: ["acme/fresh", "acme/same", "acme/changed", "acme/broken"],
    organizations: ["acme-org"],
    app: { appId: 4242, installationId: 77, publicKeyPem: keys.publicKey },
  });
  // An existing matching hook (left alone) and one with other events (updated).
  api.hooks.set("acme/same", [{ id: 1, name: "web", active: true, events: ["push"], config: { url: `${EXTERNAL}/push`, content_type: "json", insecure_ssl: "0", secret: SECRET } }]);
  api.hooks.set("acme/changed", [{ id: 2, name: "web", active: true, events: ["issues"], config: { url: `${EXTERNAL}/push`, content_type: "json", insecure_ssl: "0" } }]);
  // A transient outage: the first registration calls fail; the source retries with backoff.
  api.failNext(2, 502);
  port = await freePort();
  const p = String(port);
  const logger = pino({ level: "debug" }, { write: (line: string) => void logs.push(line) });
  es = await startEventSource(
    nats.url,
    NS,
    eventSource("gh", {
      github: {
        push: {
          webhook: { port: p, endpoint: "/push", method: "POST", url: EXTERNAL },
          events: ["push"],
          webhookSecret: { name: "gh", key: "secret" },
          apiToken: { name: "gh", key: "token" },
          repositories: [{ owner: "acme", names: ["fresh", "same", "changed"] }],
          githubBaseURL: api.url,
          githubUploadURL: api.url,
          active: true,
          contentType: "json",
          deleteHookOnFinish: true,
          metadata: { team: "infra" },
        },
        app: {
          webhook: { port: p, endpoint: "/app", method: "POST", url: EXTERNAL },
          events: ["*"],
          webhookSecret: { name: "gh", key: "secret" },
          githubApp: { privateKey: { name: "gh", key: "app-key" }, appID: 4242, installationID: 77 },
          organizations: ["acme-org"],
          githubBaseURL: api.url,
          githubUploadURL: api.url,
          active: true,
        },
        broken: {
          webhook: { port: p, endpoint: "/broken", method: "POST", url: EXTERNAL },
          events: ["push"],
          apiToken: { name: "gh", key: "bad-token" },
          repositories: [{ owner: "acme", names: ["broken"] }],
          githubBaseURL: api.url,
          githubUploadURL: api.url,
        },
      },
      // A plain webhook with the hmac extension on the same port: one server, two source types.
      webhook: { signed: { port: p, endpoint: "/signed", hmac: { secret: { name: "hm", key: "key" }, header: "X-Signature", prefix: "sha256=" } } },
    }),
    { secrets: async (ref) => SECRETS[`${ref.name}/${ref.key}`] ?? "", logger },
  );
  reader = await connectBus(nats.url, NS);
  await reader.subscribe({ durable: "reader", events: ["push", "app", "broken", "signed"].map((e) => ({ eventSourceName: "gh", eventName: e })) }, async (d) => void got.push(d));
});

let stopped = false;
after(async () => {
  if (!stopped) await es?.stop();
  await reader?.close();
  await api?.close();
  await nats?.stop();
});

describe("github deliveries", () => {
  it("stores a signed delivery with Argo's data shape; the delivery id is the event id", async () => {
    const body = JSON.stringify({ ref: "refs/heads/main", repository: { full_name: "acme/fresh" } });
    const id = "72d3162e-cc78-11e3-81ab-4c9367dc0958";
    const res = await deliver("/push", body, ghHeaders(body, "push", id));
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json!["eventId"], id);
    const d = await waitFor("the push event", () => got.find((x) => x.event.id === id));
    assert.equal(d.event.type, "github");
    assert.equal(d.event.subject, "push");
    const data = d.event.data as { headers: Record<string, string[]>; body: Record<string, unknown>; metadata: Record<string, string> };
    assert.deepEqual(data.headers["X-Github-Event"], ["push"]);
    assert.deepEqual(data.headers["X-Github-Delivery"], [id]);
    assert.deepEqual(data.body, { ref: "refs/heads/main", repository: { full_name: "acme/fresh" }, "X-GitHub-Event": "push", "X-GitHub-Delivery": id });
    assert.deepEqual(data.metadata, { team: "infra" });
  });

  it("accepts form deliveries (contentType form: the payload field) and the legacy sha1 signature", async () => {
    const form = `payload=${encodeURIComponent(JSON.stringify({ zen: "Keep it logically awesome." }))}`;
    const id = crypto.randomUUID();
    const res = await deliver("/app", form, { ...ghHeaders(form, "ping", id), "content-type": "application/x-www-form-urlencoded" });
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const d = await waitFor("the form event", () => got.find((x) => x.event.id === id));
    assert.equal((d.event.data as { body: Record<string, unknown> }).body["zen"], "Keep it logically awesome.");
    const body = "{}";
    const legacy = { ...ghHeaders(body), "x-hub-signature": sign(body, SECRET, "sha1") } as Record<string, string>;
    delete legacy["x-hub-signature-256"];
    assert.equal((await deliver("/app", body, legacy)).status, 200);
  });

  it("refuses missing, wrong and foreign signatures before storing anything, counts them, and never logs the secret", async () => {
    const before = got.length;
    const body = '{"ref":"x"}';
    const missing = { ...ghHeaders(body) } as Record<string, string>;
    delete missing["x-hub-signature-256"];
    assert.equal((await deliver("/push", body, missing)).status, 401);
    assert.equal((await deliver("/push", body, { ...ghHeaders(body), "x-hub-signature-256": sign(body, "other secret") })).status, 403);
    assert.equal((await deliver("/push", body + " ", ghHeaders(body))).status, 403, "a body changed after signing");
    assert.equal((await deliver("/push", body, { ...ghHeaders(body), "x-hub-signature-256": "sha256=xyz" })).status, 403);
    assert.equal(await metricValue(es.registry, "impulse_eventsource_events_failed_total", { event: "push", reason: "unauthorized" }), 1);
    assert.equal(await metricValue(es.registry, "impulse_eventsource_events_failed_total", { event: "push", reason: "forbidden" }), 3);
    const marker = JSON.stringify({ marker: true });
    const m = await deliver("/push", marker, ghHeaders(marker));
    await waitFor("the marker", () => got.find((x) => x.event.id === m.json!["eventId"]));
    assert.equal(got.length, before + 1, "only the marker was stored");
    const all = logs.join("");
    for (const secret of [SECRET, TOKEN, "hm4c-k3y", "BEGIN PRIVATE KEY"]) assert.ok(!all.includes(secret), `a secret was logged: ${secret.slice(0, 6)}...`);
    assert.ok(all.includes("webhook request rejected"), "the rejections were logged (without the secret)");
  });

  it("skips event types not in events (200 filtered, counted) and stores a resent delivery once", async () => {
    const body = '{"action":"opened"}';
    const skipped = await deliver("/push", body, ghHeaders(body, "issues"));
    assert.equal(skipped.status, 200);
    assert.equal(skipped.json!["status"], "filtered");
    assert.equal(await metricValue(es.registry, "impulse_eventsource_events_filtered_total", { event: "push", reason: "event_type" }), 1);
    const id = crypto.randomUUID();
    const first = await deliver("/push", '{"n":1}', ghHeaders('{"n":1}', "push", id));
    const resent = await deliver("/push", '{"n":1}', ghHeaders('{"n":1}', "push", id));
    assert.equal(first.json!["duplicate"], undefined);
    assert.equal(resent.json!["duplicate"], true);
    assert.equal(await metricValue(es.registry, "impulse_eventsource_events_duplicate_total", { event: "push" }), 1);
    const noType = { ...ghHeaders(body) } as Record<string, string>;
    delete noType["x-github-event"];
    assert.equal((await deliver("/push", body, noType)).status, 400);
  });

  it("a plain webhook with hmac shares the port: signed stored, unsigned 401, wrong 403", async () => {
    const body = '{"hello":"hmac"}';
    const ok = await deliver("/signed", body, { "content-type": "application/json", "x-signature": sign(body, "hm4c-k3y") });
    assert.equal(ok.status, 200);
    await waitFor("the signed webhook event", () => got.find((x) => x.event.id === ok.json!["eventId"]));
    assert.equal((await deliver("/signed", body, { "content-type": "application/json" })).status, 401);
    assert.equal((await deliver("/signed", body, { "content-type": "application/json", "x-signature": sign(body, "nope") })).status, 403);
  });
});

describe("github hook registration", () => {
  it("creates missing hooks, leaves a matching one, updates a changed one, after retrying an outage", async () => {
    await waitFor("push and app registered", () => {
      const c = es.running.health().components;
      return c["github/push"]?.healthy && c["github/app"]?.healthy;
    });
    assert.ok((await metricValue(es.registry, "impulse_eventsource_upstream_errors_total", { reason: "registration" })) >= 1, "the outage was retried");
    const fresh = api.hooks.get("acme/fresh")!;
    assert.equal(fresh.length, 1);
    assert.deepEqual({ ...fresh[0], id: 0 }, { id: 0, name: "web", active: true, events: ["push"], config: { url: `${EXTERNAL}/push`, content_type: "json", insecure_ssl: "0", secret: SECRET } });
    assert.ok(!api.requests.some((r) => r.path.includes("/acme/same/hooks/") || (r.method === "POST" && r.path.endsWith("/acme/same/hooks"))), "the matching hook was left alone");
    assert.ok(api.requests.some((r) => r.method === "PATCH" && r.path.endsWith("/acme/changed/hooks/2") && r.status === 200));
    assert.deepEqual(api.hooks.get("acme/changed")![0]!.events, ["push"]);
    // GitHub App: installation token obtained with a JWT, then the hook created with it.
    assert.ok(api.requests.some((r) => r.path.endsWith("/app/installations/77/access_tokens") && r.status === 201));
    assert.deepEqual(api.hooks.get("org:acme-org")![0]!.events, ["*"], "the App's organization hook");
  });

  it("shows a failing registration on /health, without the token, and keeps retrying", async () => {
    const broken = await waitFor("broken retried", () => api.requests.filter((r) => r.path.endsWith("/acme/broken/hooks")).length >= 2 && es.running.health().components["github/broken"]);
    assert.equal(broken.healthy, false);
    assert.match(broken.error ?? "", /401 Bad credentials/);
    assert.ok(!(broken.error ?? "").includes("ghp_revoked"));
    assert.equal(es.running.health().healthy, false);
  });

  it("deletes the hooks on stop with deleteHookOnFinish, and only those", async () => {
    stopped = true;
    await es.stop();
    for (const key of ["acme/fresh", "acme/same", "acme/changed"]) assert.deepEqual(api.hooks.get(key), [], `${key} hook deleted`);
    assert.equal(api.hooks.get("org:acme-org")!.length, 1, "no deleteHookOnFinish: kept");
  });
});
