// The gerrit source on a real nats-server, with remote registration against the local Gerrit REST server (test/kit/gerrit-api.ts).
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { pino } from "pino";
import { tapBus, type Tap } from "../../kit/bus-tap.js";
import { startGerrit, type GerritServer } from "../../kit/gerrit-api.js";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { metricValue, startEventSource, type Started } from "../../kit/runtimes.js";
import { waitFor } from "../../kit/wait.js";
import { post } from "../../kit/webhook-post.js";

const NS = "saas-gerrit";
const SECRETS: Record<string, string> = { "g/user": "admin", "g/pass": "http-pass-Secret1", "g/wrong": "not-the-password", "g/dev": "developer", "g/devpass": "dev-pass", "g/bearer": "b3arer" };
const secrets = async (ref: { name: string; key: string }) => SECRETS[`${ref.name}/${ref.key}`] ?? "";
let nats: NatsServer;
let gerrit: GerritServer;
const running: { stop(): Promise<void> }[] = [];
const logs: string[] = [];
const logger = pino({ level: "debug" }, { write: (line: string) => void logs.push(line) });

type Health = { health(): { healthy: boolean; components: Record<string, { healthy: boolean; error?: string }> } };
async function es(name: string, events: Record<string, unknown>): Promise<Started & { running: Health }> {
  const s = await startEventSource(nats.url, NS, eventSource(name, { gerrit: events }), { secrets, logger });
  running.push(s);
  return s;
}
async function tap(name: string, event: string): Promise<Tap> {
  const t = await tapBus(nats.url, NS, name, event);
  running.push(t);
  return t;
}
const patchsetCreated = (n: number) => ({
  type: "patchset-created",
  change: { project: "my/project", branch: "main", id: `I${n}`, number: n, subject: "Fix it", owner: { name: "Ada", email: "ada@example.com" }, url: `https://gerrit.example.com/c/my/project/+/${n}` },
  patchSet: { number: 1, revision: "cafe", ref: `refs/changes/0${n}/${n}/1` },
  uploader: { name: "Ada" },
  eventCreatedOn: 1700000000 + n,
});

before(async () => {
  nats = await startNats();
  gerrit = await startGerrit({ users: { admin: SECRETS["g/pass"]!, developer: "dev-pass" }, admins: ["admin"], projects: ["fresh", "same", "changed", "my/project", "other"] });
});
after(async () => {
  for (const r of running.reverse()) await r.stop();
  await gerrit?.close();
  await nats?.stop();
});

describe("gerrit EventSource", () => {
  let port: number;
  let s: Started & { running: Health };
  let t: Tap;
  let hook: string;
  before(async () => {
    port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    hook = `${base}/gerrit`;
    // Already as wanted (left alone), and pointing elsewhere with other events (updated).
    gerrit.remotes.get("same")!.set("impulse", { url: hook, events: ["patchset-created", "change-merged"] });
    gerrit.remotes.get("changed")!.set("impulse", { url: "https://old.example.com/hook", events: ["ref-updated"] });
    t = await tap("review", "changes");
    s = await es("review", {
      changes: {
        webhook: { port: String(port), endpoint: "/gerrit", method: "POST", url: base },
        hookName: "impulse",
        events: ["patchset-created", "change-merged"],
        projects: ["fresh", "same", "changed", "my/project"],
        auth: { username: { name: "g", key: "user" }, password: { name: "g", key: "pass" } },
        gerritBaseURL: gerrit.url,
        deleteHookOnFinish: true,
        metadata: { team: "review" },
      },
    });
    await waitFor("registered", () => s.running.health().healthy);
  });

  it("creates the remote where missing, leaves a matching one, updates a changed one (project names with /, basic auth under /a/)", () => {
    const want = { url: hook, events: ["patchset-created", "change-merged"] };
    for (const p of ["fresh", "same", "changed", "my/project"]) assert.deepEqual(gerrit.remotes.get(p)!.get("impulse"), want, p);
    const puts = gerrit.requests.filter((r) => r.method === "PUT").map((r) => r.path);
    assert.deepEqual(puts.sort(), [
      "/a/config/server/webhooks~projects/changed/remotes/impulse/",
      "/a/config/server/webhooks~projects/fresh/remotes/impulse/",
      "/a/config/server/webhooks~projects/my%2Fproject/remotes/impulse/",
    ]);
  });

  it("stores a delivery of the plugin with Argo's data shape; a retried delivery is stored once; other types are filtered", async () => {
    assert.deepEqual(await gerrit.deliver("my/project", patchsetCreated(1)), [200]);
    const e = await waitFor("the event", () => t.events[0]);
    assert.deepEqual([e.type, e.source, e.subject], ["gerrit", "review", "changes"]);
    const data = e.data as { headers: Record<string, string[]>; body: unknown; metadata: unknown };
    assert.deepEqual(data.body, patchsetCreated(1));
    assert.deepEqual(data.headers["Content-Type"], ["application/json"]);
    assert.deepEqual(data.metadata, { team: "review" });
    // The plugin retries a delivery it thinks failed with the same body.
    const again = await post(hook, JSON.stringify(patchsetCreated(1)), { "content-type": "application/json" });
    assert.deepEqual([again.status, again.json!["duplicate"], again.json!["eventId"]], [200, true, e.id]);
    const other = await post(hook, JSON.stringify({ type: "ref-updated", eventCreatedOn: 1 }), { "content-type": "application/json" });
    assert.deepEqual([other.status, other.json!["status"]], [200, "filtered"]);
    const bad = await post(hook, "not json", { "content-type": "application/json" });
    assert.equal(bad.status, 400);
    assert.equal(await metricValue(s.registry, "impulse_eventsource_events_published_total", { event: "changes" }), 1);
  });

  it("deletes the remotes on stop with deleteHookOnFinish", async () => {
    await s.stop();
    running.splice(running.indexOf(s), 1);
    for (const p of ["fresh", "same", "changed", "my/project"]) assert.equal(gerrit.remotes.get(p)!.has("impulse"), false, p);
  });

  it("shows refused credentials (401) and missing permission (403) on /health without the password, and retries", async () => {
    const p = await freePort();
    const base = `http://127.0.0.1:${p}`;
    const b = await es("refused", {
      wrong: { webhook: { port: String(p), endpoint: "/w", url: base }, hookName: "h", events: [], projects: ["other"], auth: { username: { name: "g", key: "user" }, password: { name: "g", key: "wrong" } }, gerritBaseURL: gerrit.url },
      dev: { webhook: { port: String(p), endpoint: "/d", url: base }, hookName: "h", events: [], projects: ["other"], auth: { username: { name: "g", key: "dev" }, password: { name: "g", key: "devpass" } }, gerritBaseURL: gerrit.url },
    });
    const h = await waitFor("both failing", () => {
      const c = b.running.health().components;
      return /failed/.test(c["gerrit/wrong"]?.error ?? "") && /failed/.test(c["gerrit/dev"]?.error ?? "") ? c : undefined;
    });
    assert.match(h["gerrit/wrong"]!.error!, /401/);
    assert.match(h["gerrit/dev"]!.error!, /403/);
    const before = gerrit.requests.filter((r) => r.status === 401).length;
    await waitFor("a retry", () => gerrit.requests.filter((r) => r.status === 401).length > before, 30_000);
    const text = logs.join("") + JSON.stringify(h);
    for (const secret of ["not-the-password", "dev-pass", SECRETS["g/pass"]!]) assert.equal(text.includes(secret), false);
  });

  it("refuses deliveries without the bearer token when webhook.authSecret is set (401, counted, nothing stored)", async () => {
    const p = await freePort();
    const u = `http://127.0.0.1:${p}/g`;
    const tt = await tap("guarded", "g");
    const g = await es("guarded", {
      g: { webhook: { port: String(p), endpoint: "/g", authSecret: { name: "g", key: "bearer" } }, hookName: "h", events: [], projects: ["other"], auth: { username: { name: "g", key: "user" }, password: { name: "g", key: "pass" } }, gerritBaseURL: gerrit.url },
    });
    const body = JSON.stringify(patchsetCreated(7));
    assert.equal((await post(u, body, { "content-type": "application/json" })).status, 401);
    assert.equal((await post(u, body, { "content-type": "application/json", authorization: "Bearer nope" })).status, 401);
    assert.equal(await metricValue(g.registry, "impulse_eventsource_events_failed_total", { reason: "unauthorized" }), 2);
    assert.equal((await post(u, body, { "content-type": "application/json", authorization: "Bearer b3arer" })).status, 200);
    await waitFor("only the authorized one", () => tt.events.length === 1);
  });
});
