// The bitbucket (Cloud) source on a real nats-server, with hook registration against the local Bitbucket Cloud API.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { freePort, type Delivery, type EventBus, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { startBitbucketApi, type BitbucketApiServer } from "../../kit/bitbucket-api.js";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { connectBus, startEventSource, type Started } from "../../kit/runtimes.js";
import { waitFor } from "../../kit/wait.js";

const NS = "git-bitbucket";
const SECRETS: Record<string, string> = { "bb/user": "ann", "bb/password": "app-pass", "bb/oauth": "oauth-tok", "bb/secret": "cl0ud-s3cret" };
const EXTERNAL = "https://hooks.example.com";

let nats: NatsServer;
let api: BitbucketApiServer;
let es: Started & { running: { health(): { healthy: boolean; components: Record<string, { healthy: boolean; error?: string }> } } };
let reader: EventBus;
let port: number;
let stopped = false;
const got: Delivery[] = [];

before(async () => {
  nats = await startNats();
  // pagelen 1: listing needs the `next` links.
  api = await startBitbucketApi({ basic: ["ann", "app-pass"], oauthTokens: ["oauth-tok"], repositories: ["acme/web", "acme/api", "acme/same", "acme/changed"], pagelen: 1 });
  api.hooks.set("acme/same", [
    { uuid: "{other}", url: "https://elsewhere.example.com/x", description: "not ours", active: true, events: ["repo:push"] },
    { uuid: "{same}", url: `${EXTERNAL}/push`, description: "x", active: true, events: ["repo:push"] },
  ]);
  api.hooks.set("acme/changed", [{ uuid: "{changed}", url: `${EXTERNAL}/push`, description: "x", active: false, events: ["repo:push"] }]);
  port = await freePort();
  const p = String(port);
  es = await startEventSource(
    nats.url,
    NS,
    eventSource("bb", {
      bitbucket: {
        push: {
          repositories: [
            { owner: "acme", repositorySlug: "web" },
            { owner: "acme", repositorySlug: "same" },
            { owner: "acme", repositorySlug: "changed" },
          ],
          webhook: { port: p, endpoint: "/push", method: "POST", url: EXTERNAL },
          events: ["repo:push"],
          auth: { basic: { username: { name: "bb", key: "user" }, password: { name: "bb", key: "password" } } },
          webhookSecret: { name: "bb", key: "secret" },
          bitbucketBaseURL: api.url,
          deleteHookOnFinish: true,
        },
        pr: {
          owner: "acme",
          repositorySlug: "api",
          webhook: { port: p, endpoint: "/pr", method: "POST", url: EXTERNAL },
          events: ["pullrequest:created"],
          auth: { oauthToken: { name: "bb", key: "oauth" } },
          bitbucketBaseURL: api.url,
        },
      },
    }),
    { secrets: async (ref) => SECRETS[`${ref.name}/${ref.key}`] ?? "" },
  );
  reader = await connectBus(nats.url, NS);
  await reader.subscribe({ durable: "reader", events: [{ eventSourceName: "bb", eventName: "push" }] }, async (d) => void got.push(d));
});

after(async () => {
  if (!stopped) await es?.stop();
  await reader?.close();
  await api?.close();
  await nats?.stop();
});

describe("bitbucket cloud", () => {
  it("stores a signed delivery in Argo's data shape with X-Request-UUID as the id; refuses unsigned (401) and wrong (403)", async () => {
    const body = JSON.stringify({ push: { changes: [{ new: { name: "main" } }] }, repository: { full_name: "acme/web" } });
    const sig = `sha256=${createHmac("sha256", "cl0ud-s3cret").update(body).digest("hex")}`;
    const id = crypto.randomUUID();
    const headers = { "content-type": "application/json", "x-event-key": "repo:push", "x-request-uuid": id, "x-hook-uuid": "{h}" };
    const send = async (h: Record<string, string>) => (await request(`http://127.0.0.1:${port}/push`, { method: "POST", headers: h, body })).statusCode;
    assert.equal(await send({ ...headers, "x-hub-signature": sig }), 200);
    const d = await waitFor("the push", () => got.find((x) => x.event.id === id));
    assert.deepEqual((d.event.data as { body: unknown }).body, JSON.parse(body));
    assert.deepEqual((d.event.data as { headers: Record<string, string[]> }).headers["X-Event-Key"], ["repo:push"]);
    assert.equal(await send(headers), 401);
    assert.equal(await send({ ...headers, "x-hub-signature": sig.replace(/.$/, "0") === sig ? sig.replace(/.$/, "1") : sig.replace(/.$/, "0") }), 403);
    assert.equal(got.length, 1);
  });

  it("registers with basic auth and OAuth: creates, leaves a matching hook, updates a changed one; deletes on stop", async () => {
    await waitFor("registered", () => {
      const c = es.running.health().components;
      return c["bitbucket/push"]?.healthy && c["bitbucket/pr"]?.healthy;
    });
    const web = api.hooks.get("acme/web")![0]!;
    assert.deepEqual([web.url, web.events, web.active, web.secret], [`${EXTERNAL}/push`, ["repo:push"], true, "cl0ud-s3cret"]);
    assert.ok(!api.requests.some((r) => r.path.includes("/acme/same/hooks/") || (r.method === "POST" && r.path.endsWith("/acme/same/hooks"))), "left alone");
    assert.ok(api.requests.some((r) => r.method === "PUT" && r.path.endsWith(`/acme/changed/hooks/${encodeURIComponent("{changed}")}`) && r.status === 200));
    assert.equal(api.hooks.get("acme/changed")![0]!.active, true);
    assert.deepEqual(api.hooks.get("acme/api")![0]!.events, ["pullrequest:created"]);
    assert.ok(api.requests.some((r) => r.auth === "basic") && api.requests.some((r) => r.auth === "oauth"));
    stopped = true;
    await es.stop();
    assert.deepEqual([api.hooks.get("acme/web"), api.hooks.get("acme/changed")], [[], []]);
    assert.equal(api.hooks.get("acme/same")!.length, 1, "only our hook deleted");
    assert.equal(api.hooks.get("acme/api")!.length, 1, "no deleteHookOnFinish: kept");
  });
});
