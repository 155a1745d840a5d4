// The bitbucketserver source on a real nats-server, with hook registration against the local Bitbucket Server REST server.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { freePort, type Delivery, type EventBus, type NatsServer } from "@impulse/bus";
import { pino } from "pino";
import { request } from "undici";
import { startBitbucketServerApi, type BitbucketServerApiServer } from "../../kit/bitbucketserver-api.js";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { connectBus, metricValue, startEventSource, type Started } from "../../kit/runtimes.js";
import { waitFor } from "../../kit/wait.js";

const NS = "git-bbs";
const SECRET = "bbs-s3cret";
const TOKEN = "BBDC-access-1";
const EXTERNAL = "https://hooks.example.com";
const SECRETS: Record<string, string> = { "bb/secret": SECRET, "bb/token": TOKEN, "bb/revoked": "BBDC-revoked" };

let nats: NatsServer;
let api: BitbucketServerApiServer;
let es: Started & { running: { health(): { healthy: boolean; components: Record<string, { healthy: boolean; error?: string }> } } };
let reader: EventBus;
let port: number;
let stopped = false;
const got: Delivery[] = [];
const logs: string[] = [];

const sign = (body: string, secret = SECRET) => `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
async function deliver(body: string, headers: Record<string, string>) {
  const res = await request(`http://127.0.0.1:${port}/bbs`, { method: "POST", headers, body });
  return { status: res.statusCode, json: (await res.body.json().catch(() => undefined)) as Record<string, unknown> | undefined };
}
const bbHeaders = (body: string, key = "repo:refs_changed", id: string = crypto.randomUUID()) => ({
  "content-type": "application/json; charset=utf-8",
  "x-event-key": key,
  "x-request-id": id,
  "x-hub-signature": sign(body),
  "user-agent": "Atlassian HttpClient 4.2.0 / Bitbucket-9.4.0",
});

before(async () => {
  nats = await startNats();
  api = await startBitbucketServerApi({ tokens: [TOKEN], repositories: ["PROJ/a", "PROJ/b", "OTHER/same", "OTHER/changed", "BROKEN/x"] });
  const url = `${EXTERNAL}/bbs`;
  api.hooks.set("OTHER/same", [{ id: 1, name: "Impulse", url, active: true, events: ["pr:opened", "repo:refs_changed"], configuration: { secret: SECRET } }]);
  api.hooks.set("OTHER/changed", [{ id: 2, name: "Argo Events", url, active: true, events: ["repo:refs_changed"], configuration: { secret: SECRET } }]);
  port = await freePort();
  const p = String(port);
  es = await startEventSource(
    nats.url,
    NS,
    eventSource("bb", {
      bitbucketserver: {
        changes: {
          webhook: { port: p, endpoint: "/bbs", method: "POST", url: EXTERNAL },
          events: ["repo:refs_changed", "pr:opened"],
          projects: ["PROJ"],
          repositories: [
            { projectKey: "OTHER", repositorySlug: "same" },
            { projectKey: "OTHER", repositorySlug: "changed" },
          ],
          accessToken: { name: "bb", key: "token" },
          webhookSecret: { name: "bb", key: "secret" },
          bitbucketserverBaseURL: api.url,
          deleteHookOnFinish: true,
        },
        broken: {
          webhook: { port: p, endpoint: "/broken", method: "POST", url: EXTERNAL },
          events: ["repo:refs_changed"],
          repositories: [{ projectKey: "BROKEN", repositorySlug: "x" }],
          accessToken: { name: "bb", key: "revoked" },
          bitbucketserverBaseURL: api.url,
        },
      },
    }),
    { secrets: async (ref) => SECRETS[`${ref.name}/${ref.key}`] ?? "", logger: pino({ level: "debug" }, { write: (l: string) => void logs.push(l) }) },
  );
  reader = await connectBus(nats.url, NS);
  await reader.subscribe({ durable: "reader", events: [{ eventSourceName: "bb", eventName: "changes" }] }, async (d) => void got.push(d));
});

after(async () => {
  if (!stopped) await es?.stop();
  await reader?.close();
  await api?.close();
  await nats?.stop();
});

describe("bitbucketserver deliveries", () => {
  it("stores a signed delivery in Argo's data shape with X-Request-Id as the event id; a resend is stored once", async () => {
    const body = JSON.stringify({ eventKey: "repo:refs_changed", changes: [{ ref: { id: "refs/heads/main" }, type: "UPDATE" }] });
    const id = crypto.randomUUID();
    const res = await deliver(body, bbHeaders(body, "repo:refs_changed", id));
    assert.equal(res.status, 200, JSON.stringify(res.json));
    const d = await waitFor("the delivery", () => got.find((x) => x.event.id === id));
    const data = d.event.data as { headers: Record<string, string[]>; body: unknown };
    assert.equal(d.event.type, "bitbucketserver");
    assert.deepEqual(data.headers["X-Event-Key"], ["repo:refs_changed"]);
    assert.deepEqual(data.body, JSON.parse(body));
    assert.equal((await deliver(body, bbHeaders(body, "repo:refs_changed", id))).json!["duplicate"], true);
  });

  it("refuses a missing (401) or wrong (403) signature before storing, never logs the secret; skips other event keys", async () => {
    const before = got.length;
    const body = '{"eventKey":"repo:refs_changed"}';
    const { "x-hub-signature": _s, ...unsigned } = bbHeaders(body);
    assert.equal((await deliver(body, unsigned)).status, 401);
    assert.equal((await deliver(body, { ...bbHeaders(body), "x-hub-signature": sign(body, "nope") })).status, 403);
    assert.equal(await metricValue(es.registry, "impulse_eventsource_events_failed_total", { event: "changes", reason: "forbidden" }), 1);
    const ping = await deliver("{}", bbHeaders("{}", "diagnostics:ping"));
    assert.deepEqual([ping.status, ping.json!["status"]], [200, "filtered"]);
    const m = await deliver('{"m":1}', bbHeaders('{"m":1}'));
    await waitFor("the marker", () => got.find((x) => x.event.id === m.json!["eventId"]));
    assert.equal(got.length, before + 1);
    for (const s of [SECRET, TOKEN, "BBDC-revoked"]) assert.ok(!logs.join("").includes(s), "a secret was logged");
  });
});

describe("bitbucketserver hook registration", () => {
  it("hooks every repository of a project and the listed ones: creates, leaves a matching hook, updates a changed one", async () => {
    await waitFor("registered", () => es.running.health().components["bitbucketserver/changes"]?.healthy);
    for (const repo of ["PROJ/a", "PROJ/b"]) {
      const h = api.hooks.get(repo)![0]!;
      assert.deepEqual([h.url, h.events, h.configuration.secret, h.active], [`${EXTERNAL}/bbs`, ["repo:refs_changed", "pr:opened"], SECRET, true], repo);
    }
    assert.ok(!api.requests.some((r) => r.path.includes("/OTHER/repos/same/webhooks/") || (r.method === "POST" && r.path.endsWith("/OTHER/repos/same/webhooks"))), "left alone");
    assert.ok(api.requests.some((r) => r.method === "PUT" && r.path.endsWith("/OTHER/repos/changed/webhooks/2") && r.status === 200));
    assert.deepEqual(api.hooks.get("OTHER/changed")![0]!.events, ["repo:refs_changed", "pr:opened"]);
  });

  it("shows a rejected token on /health, without the token", async () => {
    const c = await waitFor("broken reported", () => es.running.health().components["bitbucketserver/broken"]?.error?.includes("401") && es.running.health().components["bitbucketserver/broken"]);
    assert.equal(c.healthy, false);
    assert.ok(!(c.error ?? "").includes("BBDC"));
  });

  it("deletes the hooks on stop (deleteHookOnFinish)", async () => {
    stopped = true;
    await es.stop();
    for (const repo of ["PROJ/a", "PROJ/b", "OTHER/same", "OTHER/changed"]) assert.deepEqual(api.hooks.get(repo), [], repo);
  });
});
