// The webhook against hostile or careless senders (issue 11), on a real nats-server: no silent drop, 4xx never 503 for bad input.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort, type Delivery, type EventBus, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { connectBus, metricValue, startEventSource, type Started } from "../../kit/runtimes.js";
import { waitFor } from "../../kit/wait.js";

const NS = "webhook-hardening";
let nats: NatsServer;
let es: Started;
let reader: EventBus;
let port: number;
const got: Delivery[] = [];
const MiB = 1024 * 1024;

async function send(path: string, body: string | Buffer, headers: Record<string, string> = { "content-type": "application/json" }, method = "POST") {
  const res = await request(`http://127.0.0.1:${port}${path}`, { method: method as "POST", headers, body });
  return { status: res.statusCode, headers: res.headers, json: (await res.body.json().catch(() => undefined)) as Record<string, unknown> | undefined };
}
const binary = (attrs: Record<string, string>) => ({ "content-type": "application/json", "ce-specversion": "1.0", "ce-type": "t", ...attrs });
const structured = { "content-type": "application/cloudevents+json" };
/** A raw request line and headers over TCP, for methods an HTTP client will not send; returns the status line. */
function rawRequest(text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect(port, "127.0.0.1", () => socket.write(text));
    let answer = "";
    socket.on("data", (c) => (answer += c.toString()));
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}

before(async () => {
  nats = await startNats();
  port = await freePort();
  es = await startEventSource(
    nats.url,
    NS,
    eventSource("hard", {
      webhook: {
        a: { port: String(port), endpoint: "/a", method: "POST" },
        b: { port: String(port), endpoint: "/b", method: "POST" },
        big: { port: String(port), endpoint: "/big", method: "POST", maxPayloadSize: 4 * MiB },
        secured: { port: String(port), endpoint: "/secured", method: "POST", authSecret: { name: "hook", key: "token" } },
      },
    }),
    { secrets: async () => "t0ken" },
  );
  reader = await connectBus(nats.url, NS);
  await reader.subscribe({ durable: "reader", events: ["a", "b", "big", "secured"].map((e) => ({ eventSourceName: "hard", eventName: e })) }, async (d) => void got.push(d));
});

after(async () => {
  await es?.stop();
  await reader?.close();
  await nats?.stop();
});

/** Sends a marker to /a and waits for it, so everything sent before it has been delivered too (one stream, in order). */
async function settle(): Promise<void> {
  const m = await send("/a", '{"marker":true}');
  await waitFor("the marker", () => got.find((d) => d.event.id === m.json!["eventId"]));
}

describe("webhook hardening", () => {
  it("stores the same CloudEvent id from two senders and on two endpoints; only a true resend is a duplicate", async () => {
    const fromA = await send("/a", '{"from":"a"}', binary({ "ce-id": "42", "ce-source": "sender-a" }));
    const fromB = await send("/a", '{"from":"b"}', binary({ "ce-id": "42", "ce-source": "sender-b" }));
    const otherEndpoint = await send("/b", '{"from":"a"}', binary({ "ce-id": "42", "ce-source": "sender-a" }));
    const resend = await send("/a", '{"from":"a"}', binary({ "ce-id": "42", "ce-source": "sender-a" }));
    assert.deepEqual([fromA.status, fromB.status, otherEndpoint.status, resend.status], [200, 200, 200, 200]);
    assert.equal(fromA.json!["duplicate"], undefined);
    assert.equal(fromB.json!["duplicate"], undefined, "another sender's event is not a duplicate");
    assert.equal(otherEndpoint.json!["duplicate"], undefined, "another endpoint's event is not a duplicate");
    assert.equal(resend.json!["duplicate"], true, "the answer says the resend was not stored again");
    await settle();
    const stored = got.filter((d) => d.event.id === "42").map((d) => `${d.event.subject}/${String(d.event["cesource"])}`).sort();
    assert.deepEqual(stored, ["a/sender-a", "a/sender-b", "b/sender-a"]);
    assert.equal(await metricValue(es.registry, "impulse_eventsource_events_duplicate_total", { event: "a" }), 1);
    // Published counts what was stored: the two 42s and the marker on /a, not the resend.
    assert.equal(await metricValue(es.registry, "impulse_eventsource_events_published_total", { event: "a" }), 3);
  });

  it("answers 400 naming the depth limit for JSON nested 4,109 deep, plain or as a CloudEvent", async () => {
    const deep = '{"a":'.repeat(4109) + "1" + "}".repeat(4109);
    for (const [what, res] of [
      ["plain", await send("/a", deep)],
      ["binary CloudEvent", await send("/a", deep, binary({ "ce-id": "deep-1", "ce-source": "s" }))],
      ["structured CloudEvent", await send("/a", JSON.stringify({ specversion: "1.0", id: "deep-2", source: "s", type: "t" }).slice(0, -1) + `,"data":${deep}}`, structured)],
      ["JSON text in a CloudEvent's data string", await send("/a", JSON.stringify({ specversion: "1.0", id: "deep-3", source: "s", type: "t", datacontenttype: "application/json", data: deep }), structured)],
    ] as const) {
      assert.equal(res.status, 400, what);
      assert.match(String(res.json!["error"]), /nested deeper than 512 levels/, what);
    }
  });

  it("answers 413 naming the bus's max_payload when the envelope of a body under maxPayloadSize does not fit", async () => {
    // 1 MiB is both the default maxPayloadSize and nats-server's default max_payload: the envelope tips it over.
    const body = JSON.stringify({ pad: "x".repeat(MiB - 200) });
    assert.ok(body.length < MiB);
    const res = await send("/a", body);
    assert.equal(res.status, 413);
    assert.match(String(res.json!["error"]), /more than the event bus accepts \(\d+ bytes: its max_payload/);
    // maxPayloadSize above the bus's limit: the bus's limit is the one named.
    const over = await send("/big", JSON.stringify({ pad: "x".repeat(2 * MiB) }));
    assert.equal(over.status, 413);
    assert.match(String(over.json!["error"]), /exceeds the event bus's max_payload of 1048576 bytes \(smaller than maxPayloadSize 4194304\)/);
    assert.equal(es.bus.maxPayload(), MiB, "read from the server's INFO");
  });

  it("answers 400 for a CloudEvent id with CR/LF, naming the attribute", async () => {
    const res = await send("/a", JSON.stringify({ specversion: "1.0", id: "x\r\nNats-Expected-Stream: other", source: "s", type: "t", data: {} }), structured);
    assert.equal(res.status, 400);
    assert.match(String(res.json!["error"]), /attribute id must not contain control characters/);
  });

  it("answers 400 naming the attribute for invalid CloudEvents", async () => {
    const ce = (over: Record<string, unknown>) => JSON.stringify({ specversion: "1.0", id: "inv", source: "s", type: "t", data: { n: 1 }, ...over });
    for (const v of ["0.1", "0.3", "9.9", "2.0"]) {
      const s = await send("/a", ce({ specversion: v }), structured);
      assert.equal(s.status, 400, `structured ${v}`);
      assert.match(String(s.json!["error"]), /specversion .* is not supported/);
      const b = await send("/a", "{}", binary({ "ce-specversion": v, "ce-id": "inv", "ce-source": "s" }));
      assert.equal(b.status, 400, `binary ${v}`);
      assert.match(String(b.json!["error"]), /specversion/);
    }
    const time = await send("/a", ce({ time: "yesterday" }), structured);
    assert.equal(time.status, 400);
    assert.match(String(time.json!["error"]), /attribute time "yesterday"/);
    const timeHeader = await send("/a", "{}", binary({ "ce-id": "inv", "ce-source": "s", "ce-time": "yesterday" }));
    assert.equal(timeHeader.status, 400);
    assert.match(String(timeHeader.json!["error"]), /attribute time/);
    const b64 = await send("/a", ce({ data: undefined, data_base64: "!!!not base64" }), structured);
    assert.equal(b64.status, 400);
    assert.match(String(b64.json!["error"]), /attribute data_base64/);
    await settle();
    assert.equal(got.filter((d) => d.event.id === "inv").length, 0, "none of them was stored");
  });

  it("accepts the Bearer scheme in any case", async () => {
    for (const scheme of ["Bearer", "bearer", "BEARER"]) {
      const res = await send("/secured", "{}", { "content-type": "application/json", authorization: `${scheme} t0ken` });
      assert.equal(res.status, 200, scheme);
    }
    assert.equal((await send("/secured", "{}", { "content-type": "application/json", authorization: "bearer wrong" })).status, 401);
  });

  it("answers CONNECT and Upgrade requests instead of dropping the socket", async () => {
    const connect = await rawRequest(`CONNECT /a HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n\r\n`);
    assert.match(connect, /^HTTP\/1\.1 405 /);
    assert.match(connect, /\r\nAllow: POST\r\n/i);
    const upgrade = await rawRequest(`GET /a HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n`);
    assert.match(upgrade, /^HTTP\/1\.1 4\d\d /);
    assert.equal((await send("/a", '{"still":"serving"}')).status, 200);
  });

  it("keeps health off the public port", async () => {
    for (const path of ["/health", "/healthz", "/readyz", "/metrics"]) {
      const res = await send(path, "", {}, "GET");
      assert.equal(res.status, 404, path);
      assert.doesNotMatch(JSON.stringify(res.json), /bus|connected/i, path);
    }
  });

  it("takes a larger max_payload from the server: a body the default bus refuses is stored on a raised one", async () => {
    const conf = join(mkdtempSync(join(tmpdir(), "nats-conf-")), "nats.conf");
    writeFileSync(conf, "max_payload: 4MB\n");
    const big = await startNats({ extraArgs: ["-c", conf] });
    const p = await freePort();
    const raised = await startEventSource(big.url, NS, eventSource("raised", { webhook: { big: { port: String(p), endpoint: "/big", method: "POST", maxPayloadSize: 4 * MiB } } }));
    try {
      assert.equal(raised.bus.maxPayload(), 4 * MiB);
      const res = await request(`http://127.0.0.1:${p}/big`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ pad: "x".repeat(2 * MiB) }) });
      assert.equal(res.statusCode, 200, await res.body.text());
    } finally {
      await raised.stop();
      await big.stop();
    }
  });
});
