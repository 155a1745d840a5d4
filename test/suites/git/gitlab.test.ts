// The gitlab source on a real nats-server, with hook registration against the local GitLab REST server (test/kit/gitlab-api.ts).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { freePort, type Delivery, type EventBus, type NatsServer } from "@impulse/bus";
import { pino } from "pino";
import { request } from "undici";
import { startGitlabApi, type GitlabApiServer } from "../../kit/gitlab-api.js";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { connectBus, metricValue, startEventSource, type Started } from "../../kit/runtimes.js";
import { waitFor } from "../../kit/wait.js";

const NS = "git-gitlab";
const SECRET = "gl-hook-t0ken";
const ACCESS = "glpat-access-1";
const EXTERNAL = "https://hooks.example.com";
const SECRETS: Record<string, string> = { "gl/secret": SECRET, "gl/access": ACCESS, "gl/revoked": "glpat-revoked" };

let nats: NatsServer;
let api: GitlabApiServer;
let es: Started & { running: { health(): { healthy: boolean; components: Record<string, { healthy: boolean; error?: string }> } } };
let reader: EventBus;
let port: number;
let stopped = false;
const got: Delivery[] = [];
const logs: string[] = [];

async function deliver(path: string, body: string, headers: Record<string, string>) {
  const res = await request(`http://127.0.0.1:${port}${path}`, { method: "POST", headers, body });
  return { status: res.statusCode, json: (await res.body.json().catch(() => undefined)) as Record<string, unknown> | undefined };
}
const glHeaders = (kind = "Push Hook", key: string = crypto.randomUUID()) => ({
  "content-type": "application/json",
  "x-gitlab-event": kind,
  "x-gitlab-token": SECRET,
  "idempotency-key": key,
  "x-gitlab-webhook-uuid": crypto.randomUUID(),
  "user-agent": "GitLab/17.5.0",
});

before(async () => {
  nats = await startNats();
  api = await startGitlabApi({
    tokens: [ACCESS],
    projects: [
      { id: 3, path: "acme/shop" },
      { id: 4, path: "acme/same" },
      { id: 5, path: "acme/changed" },
      { id: 6, path: "acme/broken" },
    ],
    groups: [{ id: 9, path: "acme" }],
  });
  const url = `${EXTERNAL}/push`;
  const flags = { push_events: true, tag_push_events: true, issues_events: false, confidential_issues_events: false, merge_requests_events: false, note_events: false, confidential_note_events: false, job_events: false, pipeline_events: false, wiki_page_events: false, deployment_events: false, releases_events: false, emoji_events: false, feature_flag_events: false, resource_access_token_events: false };
  api.hooks.set("project:4", [{ id: 1, url, enable_ssl_verification: false, ...flags }]);
  api.hooks.set("project:5", [{ id: 2, url, enable_ssl_verification: true, ...flags }]);
  api.failNext(1, 500);
  port = await freePort();
  const p = String(port);
  es = await startEventSource(
    nats.url,
    NS,
    eventSource("gl", {
      gitlab: {
        push: {
          webhook: { port: p, endpoint: "/push", method: "POST", url: EXTERNAL },
          events: ["PushEvents", "TagPushEvents"],
          projects: ["3", "acme/same", "acme/changed"],
          groups: ["acme"],
          accessToken: { name: "gl", key: "access" },
          secretToken: { name: "gl", key: "secret" },
          gitlabBaseURL: api.url,
          deleteHookOnFinish: true,
          metadata: { team: "infra" },
        },
        broken: {
          webhook: { port: p, endpoint: "/broken", method: "POST", url: EXTERNAL },
          events: ["PushEvents"],
          projects: ["acme/broken"],
          accessToken: { name: "gl", key: "revoked" },
          gitlabBaseURL: api.url,
        },
      },
    }),
    { secrets: async (ref) => SECRETS[`${ref.name}/${ref.key}`] ?? "", logger: pino({ level: "debug" }, { write: (l: string) => void logs.push(l) }) },
  );
  reader = await connectBus(nats.url, NS);
  await reader.subscribe({ durable: "reader", events: [{ eventSourceName: "gl", eventName: "push" }] }, async (d) => void got.push(d));
});

after(async () => {
  if (!stopped) await es?.stop();
  await reader?.close();
  await api?.close();
  await nats?.stop();
});

describe("gitlab deliveries", () => {
  it("stores a delivery with the right X-Gitlab-Token in Argo's data shape; Idempotency-Key is the event id", async () => {
    const body = JSON.stringify({ object_kind: "push", ref: "refs/heads/main", project: { path_with_namespace: "acme/shop" } });
    const key = crypto.randomUUID();
    const res = await deliver("/push", body, glHeaders("Push Hook", key));
    assert.equal(res.status, 200, JSON.stringify(res.json));
    assert.equal(res.json!["eventId"], key);
    const d = await waitFor("the push", () => got.find((x) => x.event.id === key));
    const data = d.event.data as { headers: Record<string, string[]>; body: unknown; metadata: unknown };
    assert.equal(d.event.type, "gitlab");
    assert.deepEqual(data.headers["X-Gitlab-Event"], ["Push Hook"]);
    assert.deepEqual(data.body, JSON.parse(body));
    assert.deepEqual(data.metadata, { team: "infra" });
  });

  it("refuses a missing (401) or wrong (403) token before storing, counts it, never logs the token", async () => {
    const before = got.length;
    const { "x-gitlab-token": _t, ...missing } = glHeaders();
    assert.equal((await deliver("/push", "{}", missing)).status, 401);
    assert.equal((await deliver("/push", "{}", { ...glHeaders(), "x-gitlab-token": "guess" })).status, 403);
    assert.equal(await metricValue(es.registry, "impulse_eventsource_events_failed_total", { event: "push", reason: "unauthorized" }), 1);
    assert.equal(await metricValue(es.registry, "impulse_eventsource_events_failed_total", { event: "push", reason: "forbidden" }), 1);
    const m = await deliver("/push", '{"marker":1}', glHeaders());
    await waitFor("the marker", () => got.find((x) => x.event.id === m.json!["eventId"]));
    assert.equal(got.length, before + 1);
    const all = logs.join("");
    for (const s of [SECRET, ACCESS, "glpat-revoked"]) assert.ok(!all.includes(s), "a secret was logged");
  });

  it("skips kinds not in events and stores a retried delivery (same Idempotency-Key) once", async () => {
    const skipped = await deliver("/push", '{"object_kind":"issue"}', glHeaders("Issue Hook"));
    assert.deepEqual([skipped.status, skipped.json!["status"]], [200, "filtered"]);
    assert.equal((await deliver("/push", '{"object_kind":"tag_push"}', glHeaders("Tag Push Hook"))).status, 200);
    const key = crypto.randomUUID();
    await deliver("/push", '{"n":1}', glHeaders("Push Hook", key));
    const retry = await deliver("/push", '{"n":1}', glHeaders("Push Hook", key));
    assert.equal(retry.json!["duplicate"], true);
    assert.equal((await deliver("/push", "not json", glHeaders())).status, 400);
  });
});

describe("gitlab hook registration", () => {
  it("creates missing project and group hooks, leaves a matching one, updates a changed one", async () => {
    await waitFor("push registered", () => es.running.health().components["gitlab/push"]?.healthy);
    const created = api.hooks.get("project:3")![0]!;
    assert.equal(created.url, `${EXTERNAL}/push`);
    assert.equal(created.token, SECRET);
    assert.deepEqual([created["push_events"], created["tag_push_events"], created["issues_events"], created.enable_ssl_verification], [true, true, false, false]);
    assert.equal(api.hooks.get("group:9")!.length, 1);
    assert.ok(!api.requests.some((r) => r.path.includes("/projects/acme%2Fsame/hooks/") || (r.method === "POST" && r.path.endsWith("acme%2Fsame/hooks"))), "left alone");
    assert.ok(api.requests.some((r) => r.method === "PUT" && r.path.endsWith("acme%2Fchanged/hooks/2") && r.status === 200));
    assert.equal(api.hooks.get("project:5")![0]!.enable_ssl_verification, false);
    assert.ok((await metricValue(es.registry, "impulse_eventsource_upstream_errors_total", { event: "push", reason: "registration" })) >= 1, "the outage was retried");
  });

  it("shows a rejected access token on /health, without the token, and retries", async () => {
    const c = await waitFor("broken retried", () => api.requests.filter((r) => r.path.endsWith("acme%2Fbroken/hooks")).length >= 2 && es.running.health().components["gitlab/broken"]);
    assert.equal(c.healthy, false);
    assert.match(c.error ?? "", /401 401 Unauthorized/);
    assert.ok(!(c.error ?? "").includes("glpat"));
  });

  it("deletes the hooks on stop (deleteHookOnFinish)", async () => {
    stopped = true;
    await es.stop();
    for (const key of ["project:3", "project:4", "project:5", "group:9"]) assert.deepEqual(api.hooks.get(key), [], key);
  });
});
