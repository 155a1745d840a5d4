// The slack source on a real nats-server: signed requests as Slack signs them, Argo's data shapes, challenge, refusals, resends.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { pino } from "pino";
import { tapBus, type Tap } from "../../kit/bus-tap.js";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { metricValue, startEventSource, type Started } from "../../kit/runtimes.js";
import { waitFor } from "../../kit/wait.js";
import { post } from "../../kit/webhook-post.js";

const NS = "saas-slack";
const SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const TOKEN = "xyzz0WbapA4vBCDEFasx0q6G";
let nats: NatsServer;
let es: Started;
let tap: Tap;
let url: string;
const logs: string[] = [];

/** Signs as Slack documents: v0= HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret (independent of the source's code). */
function slackHeaders(body: string, contentType: string, opts: { secret?: string; ts?: number } = {}): Record<string, string> {
  const ts = String(opts.ts ?? Math.floor(Date.now() / 1000));
  const sig = "v0=" + createHmac("sha256", opts.secret ?? SIGNING_SECRET).update(`v0:${ts}:${body}`).digest("hex");
  return { "content-type": contentType, "x-slack-request-timestamp": ts, "x-slack-signature": sig };
}
const JSON_CT = "application/json";
const FORM_CT = "application/x-www-form-urlencoded";

before(async () => {
  nats = await startNats();
  const port = await freePort();
  url = `http://127.0.0.1:${port}/slack`;
  const logger = pino({ level: "debug" }, { write: (line: string) => void logs.push(line) });
  tap = await tapBus(nats.url, NS, "chat", "app");
  es = await startEventSource(
    nats.url,
    NS,
    eventSource("chat", {
      slack: {
        app: {
          webhook: { port: String(port), endpoint: "/slack", method: "POST" },
          signingSecret: { name: "slack", key: "signing" },
          token: { name: "slack", key: "token" },
          metadata: { team: "ops" },
        },
      },
    }),
    { secrets: async (ref) => (({ "slack/signing": SIGNING_SECRET, "slack/token": TOKEN }) as Record<string, string>)[`${ref.name}/${ref.key}`] ?? "", logger },
  );
});
after(async () => {
  await tap?.stop();
  await es?.stop();
  await nats?.stop();
});

describe("slack EventSource", () => {
  it("answers url_verification with the challenge and stores nothing", async () => {
    const body = JSON.stringify({ token: TOKEN, challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", type: "url_verification" });
    const res = await post(url, body, slackHeaders(body, JSON_CT));
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { challenge: "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P" });
    assert.equal(await metricValue(es.registry, "impulse_eventsource_events_published_total"), 0);
  });

  it("stores a signed event_callback with Argo's data shape, its event_id as the event id, and a resend once", async () => {
    const event = { type: "app_mention", user: "U061F7AUR", text: "<@U0LAN0Z89> is it everything a river should be?", ts: "1515449522.000016", channel: "C0LAN2Q65", event_ts: "1515449522000016" };
    const doc = { token: TOKEN, team_id: "T061EG9R6", api_app_id: "A0MDYCDME", event, type: "event_callback", event_id: "Ev0LAN670R", event_time: 1515449522 };
    const body = JSON.stringify(doc);
    const first = await post(url, body, slackHeaders(body, JSON_CT));
    assert.equal(first.status, 200, JSON.stringify(first.json));
    assert.equal(first.json!["eventId"], "Ev0LAN670R");
    // Slack retries with a new timestamp (and X-Slack-Retry-Num); the event_id is the same.
    const retry = await post(url, body, { ...slackHeaders(body, JSON_CT, { ts: Math.floor(Date.now() / 1000) + 1 }), "x-slack-retry-num": "1", "x-slack-retry-reason": "http_timeout" });
    assert.equal(retry.status, 200);
    assert.equal(retry.json!["duplicate"], true);
    await waitFor("the event", () => tap.events.some((e) => e.id === "Ev0LAN670R"));
    assert.equal(tap.events.filter((e) => e.id === "Ev0LAN670R").length, 1, "stored once");
    const e = tap.events.find((x) => x.id === "Ev0LAN670R")!;
    assert.deepEqual([e.type, e.source, e.subject], ["slack", "chat", "app"]);
    assert.deepEqual(e.data, { type: "app_mention", Data: event, metadata: { team: "ops" } });
  });

  it("stores interactive payloads and slash commands (form-encoded) with Argo's data shapes", async () => {
    const payload = { type: "block_actions", user: { id: "U1", username: "ada" }, trigger_id: "12466734323.1395872398", actions: [{ action_id: "approve", value: "deploy-42" }] };
    const interaction = `payload=${encodeURIComponent(JSON.stringify(payload))}`;
    const r1 = await post(url, interaction, slackHeaders(interaction, FORM_CT));
    assert.equal(r1.status, 200, JSON.stringify(r1.json));
    // Slack's documented slash-command body, signed now.
    const command =
      "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const signed = slackHeaders(command, FORM_CT);
    const r2 = await post(url, command, signed);
    assert.equal(r2.status, 200, JSON.stringify(r2.json));
    // The very same signed request again (a replay inside the 5-minute window) is the same event: stored once.
    const replay = await post(url, command, signed);
    assert.deepEqual([replay.status, replay.json!["eventId"], replay.json!["duplicate"]], [200, r2.json!["eventId"], true]);
    const i = await waitFor("the interaction", () => tap.events.find((e) => e.id === r1.json!["eventId"]));
    assert.deepEqual(i.data, { ...payload, metadata: { team: "ops" } });
    const c = await waitFor("the command", () => tap.events.find((e) => e.id === r2.json!["eventId"]));
    assert.deepEqual(c.data, {
      token: TOKEN, team_id: "T1DC2JH3J", team_domain: "testteamnow", is_enterprise_install: false, channel_id: "G8PSS9T3V", channel_name: "foobar",
      user_id: "U2CERLKJA", user_name: "roadrunner", command: "/webhook-collect", text: "",
      response_url: "https://hooks.slack.com/commands/T1DC2JH3J/397700885554/96rGlfmibIGlgcZRskXaIFfN",
      trigger_id: "398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c", api_app_id: "", metadata: { team: "ops" },
    });
  });

  it("refuses missing, wrong and stale signatures (401/403), counts them, stores nothing and never logs the secret", async () => {
    const before = tap.events.length;
    const body = JSON.stringify({ token: TOKEN, type: "event_callback", event_id: "EvForged", event: { type: "message", text: "forged" } });
    const unsigned = await post(url, body, { "content-type": JSON_CT });
    const wrong = await post(url, body, slackHeaders(body, JSON_CT, { secret: "not-the-secret" }));
    const stale = await post(url, body, slackHeaders(body, JSON_CT, { ts: Math.floor(Date.now() / 1000) - 301 }));
    const tampered = await post(url, body.replace("forged", "forgeD"), slackHeaders(body, JSON_CT));
    const otherToken = JSON.stringify({ token: "other", type: "event_callback", event_id: "EvOther", event: { type: "message" } });
    const badToken = await post(url, otherToken, slackHeaders(otherToken, JSON_CT));
    assert.deepEqual([unsigned.status, wrong.status, stale.status, tampered.status, badToken.status], [401, 403, 403, 403, 403]);
    assert.equal(await metricValue(es.registry, "impulse_eventsource_events_failed_total", { reason: "unauthorized" }), 1);
    assert.ok((await metricValue(es.registry, "impulse_eventsource_events_failed_total", { reason: "forbidden" })) >= 4);
    // Nothing stored: a signed event sent afterwards is the next one on the bus.
    const ok = JSON.stringify({ token: TOKEN, type: "event_callback", event_id: "EvAfter", event: { type: "message" } });
    assert.equal((await post(url, ok, slackHeaders(ok, JSON_CT))).status, 200);
    await waitFor("the signed event", () => tap.events.some((e) => e.id === "EvAfter"));
    assert.deepEqual(tap.events.slice(before).map((e) => e.id), ["EvAfter"]);
    const text = logs.join("");
    assert.equal(text.includes(SIGNING_SECRET), false, "signing secret not logged");
    assert.equal(text.includes(TOKEN), false, "verification token not logged");
  });

  it("answers other Events API messages (app_rate_limited) without storing them, and refuses malformed signed bodies with 400", async () => {
    const limited = JSON.stringify({ token: TOKEN, type: "app_rate_limited", team_id: "T123", minute_rate_limited: 1518467820, api_app_id: "A123" });
    const res = await post(url, limited, slackHeaders(limited, JSON_CT));
    assert.deepEqual([res.status, res.json], [200, { status: "ignored", type: "app_rate_limited" }]);
    for (const [b, ct] of [["{", JSON_CT], ["[]", JSON_CT], ["a=b", FORM_CT], ["payload=%7B", FORM_CT]] as const)
      assert.equal((await post(url, b, slackHeaders(b, ct))).status, 400, b);
  });
});
