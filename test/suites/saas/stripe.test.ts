// The stripe source on a real nats-server, with endpoint creation against the local Stripe API (test/kit/stripe-api.ts).
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { pino } from "pino";
import { tapBus, type Tap } from "../../kit/bus-tap.js";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { metricValue, startEventSource, type Started } from "../../kit/runtimes.js";
import { startStripeApi, type StripeApiServer } from "../../kit/stripe-api.js";
import { waitFor } from "../../kit/wait.js";
import { post } from "../../kit/webhook-post.js";

const NS = "saas-stripe";
const WHSEC = "whsec_manual_0123456789abcdef";
const API_KEY = "sk_test_51Hxyz_impulse_key_4242";
const SECRETS: Record<string, string> = { "stripe/whsec": WHSEC, "stripe/key": API_KEY, "stripe/bad-key": "sk_test_revoked_9999" };
const secrets = async (ref: { name: string; key: string }) => SECRETS[`${ref.name}/${ref.key}`] ?? "";
let nats: NatsServer;
let api: StripeApiServer;
const running: { stop(): Promise<void> }[] = [];
const logs: string[] = [];
const logger = pino({ level: "debug" }, { write: (line: string) => void logs.push(line) });

/** As Stripe signs: t=<unix>,v1=HMAC-SHA256("<t>.<body>") with the endpoint secret. */
const sign = (body: string, secret = WHSEC, t = Math.floor(Date.now() / 1000)) => `t=${t},v1=${createHmac("sha256", secret).update(`${t}.${body}`).digest("hex")}`;
const stripeEvent = (id: string, type = "charge.succeeded") => ({ id, object: "event", api_version: "2024-06-20", created: 1700000000, type, livemode: false, pending_webhooks: 1, request: { id: null, idempotency_key: null }, data: { object: { id: "ch_1", object: "charge", amount: 2000, currency: "usd" } } });

before(async () => {
  nats = await startNats();
  api = await startStripeApi({ apiKey: API_KEY });
});
after(async () => {
  for (const r of running.reverse()) await r.stop();
  await api?.close();
  await nats?.stop();
});

async function es(name: string, events: Record<string, unknown>): Promise<Started & { running: { health(): { healthy: boolean; components: Record<string, { healthy: boolean; error?: string }> } } }> {
  const s = await startEventSource(nats.url, NS, eventSource(name, { stripe: events }), { secrets, logger });
  running.push(s);
  return s;
}
async function tap(name: string, event: string): Promise<Tap> {
  const t = await tapBus(nats.url, NS, name, event);
  running.push(t);
  return t;
}

describe("stripe deliveries (signingSecret)", () => {
  let url: string;
  let s: Started;
  let t: Tap;
  before(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}/stripe`;
    t = await tap("pay", "charges");
    s = await es("pay", {
      charges: {
        webhook: { port: String(port), endpoint: "/stripe", method: "POST" },
        signingSecret: { name: "stripe", key: "whsec" },
        eventFilter: ["charge.succeeded", "charge.refunded"],
        metadata: { team: "billing" },
      },
    });
  });

  it("stores a signed delivery as Argo's {event, metadata}; the Stripe event id is the event id; a resend is stored once", async () => {
    const body = JSON.stringify(stripeEvent("evt_1NG8Du2eZvKYlo2CUI79vXWy"));
    const first = await post(url, body, { "content-type": "application/json", "stripe-signature": sign(body) });
    assert.deepEqual([first.status, first.json!["eventId"]], [200, "evt_1NG8Du2eZvKYlo2CUI79vXWy"], JSON.stringify(first.json));
    // Stripe retries with a fresh timestamp and signature.
    const again = await post(url, body, { "content-type": "application/json", "stripe-signature": sign(body, WHSEC, Math.floor(Date.now() / 1000) + 2) });
    assert.deepEqual([again.status, again.json!["duplicate"]], [200, true]);
    const e = await waitFor("the event", () => t.events.find((x) => x.id === "evt_1NG8Du2eZvKYlo2CUI79vXWy"));
    assert.deepEqual([e.type, e.source, e.subject], ["stripe", "pay", "charges"]);
    assert.deepEqual(e.data, { event: JSON.parse(body), metadata: { team: "billing" } });
    await waitFor("nothing else", () => t.events.length === 1);
  });

  it("answers an event type outside eventFilter with 200 filtered and stores nothing", async () => {
    const body = JSON.stringify(stripeEvent("evt_customer", "customer.created"));
    const res = await post(url, body, { "content-type": "application/json", "stripe-signature": sign(body) });
    assert.deepEqual([res.status, res.json!["status"]], [200, "filtered"]);
    assert.equal(await metricValue(s.registry, "impulse_eventsource_events_filtered_total", { reason: "event_type" }), 1);
  });

  it("refuses missing, wrong and stale signatures (401/403), counts them, stores nothing, never logs the secret", async () => {
    const before = t.events.length;
    const body = JSON.stringify(stripeEvent("evt_forged"));
    const answers = await Promise.all([
      post(url, body, { "content-type": "application/json" }),
      post(url, body, { "content-type": "application/json", "stripe-signature": sign(body, "whsec_other") }),
      post(url, body, { "content-type": "application/json", "stripe-signature": sign(body, WHSEC, Math.floor(Date.now() / 1000) - 301) }),
      post(url, body.replace("2000", "1"), { "content-type": "application/json", "stripe-signature": sign(body) }),
      post(url, body, { "content-type": "application/json", "stripe-signature": "t=1,v0=abc" }),
    ]);
    assert.deepEqual(answers.map((a) => a.status), [401, 403, 403, 403, 403]);
    assert.equal(await metricValue(s.registry, "impulse_eventsource_events_failed_total", { reason: "unauthorized" }), 1);
    assert.equal(await metricValue(s.registry, "impulse_eventsource_events_failed_total", { reason: "forbidden" }), 4);
    const ok = JSON.stringify(stripeEvent("evt_after"));
    assert.equal((await post(url, ok, { "content-type": "application/json", "stripe-signature": sign(ok) })).status, 200);
    await waitFor("the signed one", () => t.events.some((e) => e.id === "evt_after"));
    assert.deepEqual(t.events.slice(before).map((e) => e.id), ["evt_after"]);
    assert.equal(logs.join("").includes(WHSEC), false);
  });
});

describe("stripe createWebhook (the local Stripe API)", () => {
  it("creates the endpoint with the eventFilter as enabled_events, verifies Stripe's deliveries with its secret, and a restart adopts it", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const spec = {
      created: {
        webhook: { port: String(port), endpoint: "/hooks/stripe", method: "POST", url: base },
        createWebhook: true,
        apiKey: { name: "stripe", key: "key" },
        apiBaseURL: api.url,
        eventFilter: ["invoice.paid"],
      },
    };
    const t = await tap("auto", "created");
    const first = await es("auto", spec);
    await waitFor("registered", () => first.running.health().healthy);
    const mine = [...api.endpoints.values()].filter((e) => e.url === `${base}/hooks/stripe`);
    assert.equal(mine.length, 1);
    assert.deepEqual(mine[0]!.enabled_events, ["invoice.paid"]);
    assert.deepEqual(await api.deliver(stripeEvent("evt_invoice_1", "invoice.paid")), [{ endpoint: mine[0]!.id, status: 200 }]);
    await waitFor("the delivered event", () => t.events.some((e) => e.id === "evt_invoice_1"));

    await first.stop();
    running.splice(running.indexOf(first), 1);
    // Changed in the Dashboard meanwhile: the restart puts the events back, keeps the one endpoint and its secret.
    mine[0]!.enabled_events = ["invoice.created"];
    const second = await es("auto", spec);
    await waitFor("registered again", () => second.running.health().healthy);
    assert.equal([...api.endpoints.values()].filter((e) => e.url === `${base}/hooks/stripe`).length, 1, "no second endpoint");
    assert.deepEqual(mine[0]!.enabled_events, ["invoice.paid"], "updated back");
    assert.deepEqual(await api.deliver(stripeEvent("evt_invoice_2", "invoice.paid")), [{ endpoint: mine[0]!.id, status: 200 }]);
    await waitFor("delivered after the restart", () => t.events.some((e) => e.id === "evt_invoice_2"));
    assert.equal(logs.join("").includes(mine[0]!.secret), false, "the endpoint secret is not logged");
  });

  it("adopts and updates an existing endpoint when signingSecret is set", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const existing = api.addEndpoint(`${base}/adopt`, ["*"]);
    SECRETS["stripe/adopted"] = existing.secret;
    const s = await es("adopt", {
      a: {
        webhook: { port: String(port), endpoint: "/adopt", url: base },
        createWebhook: true,
        apiKey: { name: "stripe", key: "key" },
        apiBaseURL: api.url,
        signingSecret: { name: "stripe", key: "adopted" },
        eventFilter: ["payout.paid"],
      },
    });
    await waitFor("registered", () => s.running.health().healthy);
    assert.equal([...api.endpoints.values()].filter((e) => e.url === `${base}/adopt`).length, 1);
    assert.deepEqual(existing.enabled_events, ["payout.paid"]);
    assert.deepEqual((await api.deliver(stripeEvent("evt_payout", "payout.paid"))).map((d) => d.status), [200]);
  });

  it("shows a refused API key or an endpoint whose secret is unknown on /health, without the key, and keeps retrying", async () => {
    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    api.addEndpoint(`${base}/orphan`, ["*"]);
    const s = await es("broken", {
      key: { webhook: { port: String(port), endpoint: "/key", url: base }, createWebhook: true, apiKey: { name: "stripe", key: "bad-key" }, apiBaseURL: api.url },
      orphan: { webhook: { port: String(port), endpoint: "/orphan", url: base }, createWebhook: true, apiKey: { name: "stripe", key: "key" }, apiBaseURL: api.url },
    });
    const h = await waitFor("both unhealthy", () => {
      const c = s.running.health().components;
      return /failed/.test(c["stripe/key"]?.error ?? "") && /failed/.test(c["stripe/orphan"]?.error ?? "") ? c : undefined;
    });
    assert.match(h["stripe/key"]!.error!, /401 Invalid API Key/);
    assert.equal(h["stripe/key"]!.error!.includes("sk_test_revoked_9999"), false);
    assert.match(h["stripe/orphan"]!.error!, /signing secret is not known here/);
    // Until registered, deliveries cannot be verified: 503 (Stripe retries), nothing stored.
    const body = JSON.stringify(stripeEvent("evt_early"));
    assert.equal((await post(`${base}/key`, body, { "content-type": "application/json", "stripe-signature": sign(body) })).status, 503);
    const before = api.requests.filter((r) => r.status === 401).length;
    await waitFor("a retry", () => api.requests.filter((r) => r.status === 401).length > before, 30_000);
  });
});
