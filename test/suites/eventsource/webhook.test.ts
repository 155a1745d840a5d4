// The webhook source against a real nats-server: every status a user can get, and what reaches the bus.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { freePort, type Delivery, type EventBus, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { connectBus, metricValue, startEventSource, type Started } from "../../kit/runtimes.js";
import { waitFor } from "../../kit/wait.js";
import { createSecretResolver } from "../../../cli/src/secrets.js";

const NS = "webhook-suite";
let nats: NatsServer;
let es: Started;
let reader: EventBus;
let port: number;
const got: Delivery[] = [];
const base = () => `http://127.0.0.1:${port}`;

async function post(path: string, body: string | Buffer, headers: Record<string, string> = { "content-type": "application/json" }, method = "POST") {
  const res = await request(base() + path, { method: method as "POST", headers, body });
  return { status: res.statusCode, headers: res.headers, json: (await res.body.json().catch(() => undefined)) as Record<string, unknown> | undefined };
}

const eventById = (id: unknown) => waitFor(`event ${String(id)} on the bus`, () => got.find((d) => d.event.id === id));

before(async () => {
  nats = await startNats();
  port = await freePort();
  es = await startEventSource(
    nats.url,
    NS,
    eventSource("hooks", {
      webhook: {
        open: { port: String(port), endpoint: "/open", method: "POST", metadata: { team: "core" } },
        small: { port: String(port), endpoint: "/small", method: "POST", maxPayloadSize: 64 },
        secured: { port: String(port), endpoint: "/secured", method: "POST", authSecret: { name: "hook", key: "token" } },
        query: { port: String(port), endpoint: "/query", method: "GET" },
        vip: { port: String(port), endpoint: "/vip", method: "POST", filter: { expression: "body.tier == 'gold' and not (body.name matches '^test-')" } },
      },
    }),
    // As a mounted Secret file often is: with a trailing newline, which the resolver drops for every use alike.
    { secrets: createSecretResolver("/nonexistent", { IMPULSE_SECRET_HOOK_TOKEN: "s3cret-token\n" }) },
  );
  reader = await connectBus(nats.url, NS);
  await reader.subscribe(
    { durable: "reader", events: ["open", "small", "secured", "query", "vip"].map((e) => ({ eventSourceName: "hooks", eventName: e })) },
    async (d) => void got.push(d),
  );
});

after(async () => {
  await es.stop();
  await reader.close();
  await nats.stop();
});

describe("webhook source", () => {
  it("publishes only what filter.expression lets through, and says so in the 200", async () => {
    const passed = await post("/vip", JSON.stringify({ tier: "gold", name: "ann" }));
    assert.equal(passed.json!["status"], "success");
    const dropped = await post("/vip", JSON.stringify({ tier: "silver", name: "bob" }));
    assert.deepEqual([dropped.status, dropped.json], [200, { status: "filtered" }]);
    const unevaluable = await post("/vip", JSON.stringify({ name: "no tier" }));
    assert.deepEqual(unevaluable.json, { status: "filtered" });
    await eventById(passed.json!["eventId"]);
    assert.equal(got.filter((d) => d.event.subject === "vip").length, 1);
    assert.equal(await metricValue(es.registry, "impulse_eventsource_events_filtered_total", { eventsource: "hooks", event: "vip", reason: "false" }), 1);
    assert.equal(await metricValue(es.registry, "impulse_eventsource_events_filtered_total", { eventsource: "hooks", event: "vip", reason: "error" }), 1);
  });

  it("answers 200 with the event id only once the event is on the bus, in Argo's envelope", async () => {
    const res = await post("/open", JSON.stringify({ message: "hello" }), { "content-type": "application/json", "x-trace": "a" });
    assert.equal(res.status, 200);
    const id = res.json!["eventId"];
    assert.match(String(id), /^[0-9a-f]{32}$/);
    const d = await eventById(id);
    const e = d.event;
    assert.equal(e.source, "hooks");
    assert.equal(e.subject, "open");
    assert.equal(e.type, "webhook");
    assert.equal(e.specversion, "1.0");
    assert.equal(e.datacontenttype, "application/json");
    const data = e.data as { header: Record<string, string[]>; body: unknown; metadata: unknown };
    assert.deepEqual(data.body, { message: "hello" });
    assert.deepEqual(data.metadata, { team: "core" });
    assert.deepEqual(data.header["X-Trace"], ["a"]);
    assert.deepEqual(data.header["Content-Type"], ["application/json"]);
  });

  it("turns a form body into {field: [values]} as Argo does", async () => {
    const res = await post("/open", "a=1&a=2&b=x", { "content-type": "application/x-www-form-urlencoded" });
    assert.equal(res.status, 200);
    const d = await eventById(res.json!["eventId"]);
    assert.deepEqual((d.event.data as { body: unknown }).body, { a: ["1", "2"], b: ["x"] });
  });

  it("puts a GET's query string in body", async () => {
    const res = await post("/query?x=1&y=two", "", {}, "GET");
    assert.equal(res.status, 200);
    const d = await eventById(res.json!["eventId"]);
    assert.deepEqual((d.event.data as { body: unknown }).body, { x: ["1"], y: ["two"] });
  });

  it("rejects a body that is not JSON with 400 naming the reason", async () => {
    const res = await post("/open", "{not json");
    assert.equal(res.status, 400);
    assert.match(String(res.json!["error"]), /not valid JSON/);
    const empty = await post("/open", "");
    assert.equal(empty.status, 400);
    assert.match(String(empty.json!["error"]), /empty body/);
  });

  it("answers 405 with Allow for another method", async () => {
    const res = await post("/open", "{}", { "content-type": "application/json" }, "PUT");
    assert.equal(res.status, 405);
    assert.equal(res.headers["allow"], "POST");
  });

  it("answers 413 past maxPayloadSize, whether declared or streamed", async () => {
    const res = await post("/small", JSON.stringify({ pad: "x".repeat(100) }));
    assert.equal(res.status, 413);
    assert.match(String(res.json!["error"]), /maxPayloadSize 64/);
    const ok = await post("/small", JSON.stringify({ a: 1 }));
    assert.equal(ok.status, 200);
  });

  it("answers 401 without or with a wrong bearer token, and masks the header when accepted", async () => {
    assert.equal((await post("/secured", "{}")).status, 401);
    assert.equal((await post("/secured", "{}", { "content-type": "application/json", authorization: "Bearer nope" })).status, 401);
    assert.equal((await post("/secured", "{}", { "content-type": "application/json", authorization: "Basic s3cret-token" })).status, 401);
    const res = await post("/secured", '{"ok":true}', { "content-type": "application/json", authorization: "Bearer s3cret-token" });
    assert.equal(res.status, 200);
    const d = await eventById(res.json!["eventId"]);
    assert.deepEqual((d.event.data as { header: Record<string, string[]> }).header["Authorization"], ["*** Masked Auth Secret ***"]);
  });

  it("answers 404 for an unknown endpoint, /health included: health lives on the management port", async () => {
    const res = await post("/nope", "{}");
    assert.equal(res.status, 404);
    assert.match(String(res.json!["error"]), /no webhook endpoint \/nope/);
    for (const path of ["/health", "/healthz", "/metrics"]) assert.equal((await post(path, "", {}, "GET")).status, 404, path);
  });

  it("keeps a binary-mode CloudEvent's id and extensions", async () => {
    const res = await post("/open", JSON.stringify({ order: 7 }), {
      "content-type": "application/json",
      "ce-specversion": "1.0",
      "ce-id": "order-7",
      "ce-source": "shop/orders",
      "ce-type": "order.created",
      "ce-traceparent": "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
      "ce-tenant": "acme",
    });
    assert.equal(res.status, 200);
    assert.equal(res.json!["eventId"], "order-7");
    const e = (await eventById("order-7")).event;
    assert.equal(e.source, "hooks");
    assert.equal(e.subject, "open");
    assert.equal(e["tenant"], "acme");
    assert.equal(e["traceparent"], "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01");
    assert.equal(e["cesource"], "shop/orders");
    assert.equal(e["cetype"], "order.created");
    assert.deepEqual((e.data as { body: unknown }).body, { order: 7 });
  });

  it("keeps a structured-mode CloudEvent's id and extensions, and a resent id is stored once", async () => {
    const ce = { specversion: "1.0", id: "struct-1", source: "s", type: "t", region: "eu", datacontenttype: "application/json", data: { n: 1 } };
    const first = await post("/open", JSON.stringify(ce), { "content-type": "application/cloudevents+json" });
    const again = await post("/open", JSON.stringify(ce), { "content-type": "application/cloudevents+json" });
    assert.equal(first.status, 200);
    assert.equal(again.status, 200);
    assert.equal(first.json!["duplicate"], undefined);
    assert.equal(again.json!["duplicate"], true, "the answer says the bus already held it");
    const e = (await eventById("struct-1")).event;
    assert.equal(e["region"], "eu");
    assert.deepEqual((e.data as { body: unknown }).body, { n: 1 });
    const marker = await post("/open", '{"marker":1}');
    await eventById(marker.json!["eventId"]);
    assert.equal(got.filter((d) => d.event.id === "struct-1").length, 1);
  });

  it("rejects an invalid CloudEvent with 400", async () => {
    const res = await post("/open", JSON.stringify({ specversion: "1.0", source: "s" }), { "content-type": "application/cloudevents+json" });
    assert.equal(res.status, 400);
    assert.match(String(res.json!["error"]), /invalid CloudEvent/);
  });

  it("counts received, published and rejected requests", async () => {
    assert.ok((await metricValue(es.registry, "impulse_eventsource_events_published_total", { event: "open" })) >= 4);
    assert.ok((await metricValue(es.registry, "impulse_eventsource_events_failed_total", { reason: "unauthorized" })) >= 3);
    assert.ok((await metricValue(es.registry, "impulse_eventsource_events_failed_total", { reason: "too_large" })) >= 1);
  });

  it("answers 503 while the bus is down, never 200, and stores what it accepts once the bus is back", async () => {
    await nats.stop();
    await waitFor("bus disconnect seen", () => !es.bus.connected());
    const down = await post("/open", '{"phase":"down"}');
    assert.equal(down.status, 503);
    assert.match(String(down.json!["error"]), /event bus unavailable/);
    assert.equal(down.headers["retry-after"], "1");
    await nats.restart();
    await waitFor("bus reconnect seen", () => es.bus.connected(), 30_000);
    const accepted: unknown[] = [];
    for (let i = 0; i < 5; i++) {
      const r = await post("/open", JSON.stringify({ phase: "after", i }));
      assert.equal(r.status, 200);
      accepted.push(r.json!["eventId"]);
    }
    for (const id of accepted) await waitFor(`event ${String(id)} after the outage`, () => got.find((d) => d.event.id === id), 30_000);
  });
});
