// The amqp EventSource against a real RabbitMQ (Debian's rabbitmq-server) and nats-server: Argo's data shape, message
// ids as event ids, acks only after the bus stored the event, poison messages dead-lettered, auth and TLS from Secrets.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { connect } from "amqplib";
import type { NatsServer } from "@impulse/bus";
import { amqpPublish, drainQueue, queueReady } from "../../kit/amqp-io.js";
import { tapBus, type Tap } from "../../kit/bus-tap.js";
import { startNats } from "../../kit/nats.js";
import { rabbitMqMissing, startRabbitMq, type RabbitMq } from "../../kit/rabbitmq.js";
import { eventSource } from "../../kit/resources.js";
import { metricValue, startEventSource, type Started } from "../../kit/runtimes.js";
import type { RunningEventSource } from "@impulse/eventsource";
import { waitFor } from "../../kit/wait.js";

const missing = rabbitMqMissing();
let rabbit: RabbitMq;
let nats: NatsServer;
const running: { stop(): Promise<void> }[] = [];

describe("amqp EventSource", { skip: missing }, () => {
  before(async () => {
    [rabbit, nats] = await Promise.all([startRabbitMq({ tls: true }), startNats()]);
  });
  after(async () => {
    for (const r of running.reverse()) await r.stop().catch(() => undefined);
    await nats?.stop();
    await rabbit?.stop();
  });

  async function es(ns: string, events: Record<string, unknown>, secrets?: Record<string, string>): Promise<Started & { running: RunningEventSource }> {
    const s = await startEventSource(nats.url, ns, eventSource("rabbit", { amqp: events }), {
      ...(secrets
        ? {
            secrets: async (ref: { name: string; key: string }) => {
              const v = secrets[`${ref.name}/${ref.key}`];
              if (v === undefined) throw new Error(`no secret ${ref.name}/${ref.key}`);
              return v;
            },
          }
        : {}),
    });
    running.push(s);
    return s;
  }
  async function tap(ns: string, event: string): Promise<Tap> {
    const t = await tapBus(nats.url, ns, "rabbit", event);
    running.push(t);
    return t;
  }
  const healthy = (s: { running: RunningEventSource }) => waitFor("source healthy", () => s.running.health().healthy, 30_000);

  it("publishes messages as events with Argo's AMQP data and the message id as event id, and acks each after the bus stored it", async () => {
    const t = await tap("shape", "orders");
    const s = await es("shape", {
      orders: {
        url: rabbit.url,
        exchangeName: "shop",
        exchangeType: "topic",
        routingKey: "eu.*",
        jsonBody: true,
        queueDeclare: { name: "shape-orders", durable: true, exclusive: false },
        metadata: { team: "eu" },
      },
    });
    await healthy(s);
    const N = 20;
    const ts = 1_700_000_000;
    await amqpPublish(rabbit.url, "shop", "topic", [
      ...Array.from({ length: N }, (_, i) => ({
        body: JSON.stringify({ seq: i }),
        routingKey: "eu.new",
        options: { messageId: `order-${i}`, timestamp: ts + i, contentType: "application/json", appId: "shop", type: "order.created", correlationId: `c${i}`, priority: 3 },
      })),
      { body: JSON.stringify({ seq: -1 }), routingKey: "us.new", options: { messageId: "not-bound" } },
    ]);
    await waitFor("every bound message on the bus", () => t.events.length === N);
    for (const [i, e] of t.events.entries()) {
      assert.equal(e.id, `order-${i}`, "the AMQP message id is the event id");
      assert.equal(e.type, "amqp");
      assert.equal(e.source, "rabbit");
      assert.equal(e.subject, "orders");
      assert.deepEqual(e.data, {
        contentType: "application/json",
        contentEncoding: "",
        deliveryMode: 2,
        priority: 3,
        correlationId: `c${i}`,
        replyTo: "",
        expiration: "",
        messageId: `order-${i}`,
        timestamp: new Date((ts + i) * 1000).toISOString().replace("T", " ").replace(".000Z", " +0000 UTC"),
        type: "order.created",
        appId: "shop",
        exchange: "shop",
        routingKey: "eu.new",
        body: { seq: i },
        metadata: { team: "eu" },
      });
    }
    await waitFor("every message acknowledged (none left in the queue)", async () => (await queueReady(rabbit.url, "shape-orders")) === 0);
    // A resent message (same id, as after a publisher retry or a redelivery) is stored once.
    await amqpPublish(rabbit.url, "shop", "topic", [{ body: JSON.stringify({ seq: 0 }), routingKey: "eu.new", options: { messageId: "order-0" } }]);
    await waitFor("the resend seen as a duplicate", async () => (await metricValue(s.registry, "impulse_eventsource_events_duplicate_total")) === 1);
    assert.equal(t.events.length, N);
  });

  it("gives base64 bodies without jsonBody and new ids to messages without a message id, with Argo's default (exclusive, broker-named) queue", async () => {
    const t = await tap("plain", "raw");
    const s = await es("plain", { raw: { url: rabbit.url, exchangeName: "raw", exchangeType: "fanout", routingKey: "any" } });
    await healthy(s);
    await amqpPublish(rabbit.url, "raw", "fanout", [{ body: "hello" }, { body: "hello" }]);
    await waitFor("both messages", () => t.events.length === 2);
    assert.deepEqual(t.events.map((e) => (e.data as { body: unknown }).body), ["aGVsbG8=", "aGVsbG8="]);
    assert.deepEqual(t.events.map((e) => (e.data as { timestamp: unknown }).timestamp), ["0001-01-01 00:00:00 +0000 UTC", "0001-01-01 00:00:00 +0000 UTC"]);
    assert.notEqual(t.events[0]!.id, t.events[1]!.id, "two messages without ids are two events");
  });

  it("nacks a poison message without requeue (into the queue's dead-letter exchange), counts it, and goes on", async () => {
    // The dead-letter target exists before the source declares its queue with x-dead-letter-exchange.
    await amqpPublish(rabbit.url, "dead", "fanout", []);
    const c = await connect(rabbit.url);
    const ch = await c.createChannel();
    await ch.assertQueue("dead-letters", { durable: true });
    await ch.bindQueue("dead-letters", "dead", "");
    await c.close();

    const t = await tap("poison", "feed");
    const s = await es("poison", {
      feed: {
        url: rabbit.url,
        exchangeName: "feed",
        exchangeType: "direct",
        routingKey: "feed",
        jsonBody: true,
        queueDeclare: { name: "feed-q", durable: true, exclusive: false, arguments: "x-dead-letter-exchange: dead" },
      },
    });
    await healthy(s);
    await amqpPublish(rabbit.url, "feed", "direct", ['{"seq":0}', "not json {", '{"seq":1}'].map((body) => ({ body, routingKey: "feed" })));
    await waitFor("the messages around the poison one", () => t.events.length === 2);
    assert.deepEqual(t.events.map((e) => (e.data as { body: unknown }).body), [{ seq: 0 }, { seq: 1 }]);
    assert.equal(await metricValue(s.registry, "impulse_eventsource_events_failed_total", { reason: "poison" }), 1);
    const dead = await waitFor("the poison message dead-lettered", async () => {
      const d = await drainQueue(rabbit.url, "dead-letters");
      return d.length ? d : undefined;
    });
    assert.deepEqual(dead.map((d) => d.body), ["not json {"]);
    assert.equal(s.running.health().healthy, true);
  });

  it("takes the user and password, or the whole URL, from Secrets, and connects over TLS with a client certificate", async () => {
    const secrets = {
      "rabbit/user": rabbit.user,
      "rabbit/pass": rabbit.password,
      "rabbit/url": rabbit.url,
      "tls/ca": rabbit.certs!.pem.ca,
      "tls/cert": rabbit.certs!.pem.clientCert,
      "tls/key": rabbit.certs!.pem.clientKey,
    };
    const common = { exchangeName: "secure", exchangeType: "fanout", routingKey: "x", jsonBody: true };
    const taps = await Promise.all(["auth", "urlsecret", "tls"].map((e) => tap("secure", e)));
    const s = await es(
      "secure",
      {
        auth: { ...common, url: rabbit.plainUrl, auth: { username: { name: "rabbit", key: "user" }, password: { name: "rabbit", key: "pass" } } },
        urlsecret: { ...common, urlSecret: { name: "rabbit", key: "url" } },
        tls: {
          ...common,
          url: rabbit.tlsUrl,
          auth: { username: { name: "rabbit", key: "user" }, password: { name: "rabbit", key: "pass" } },
          tls: { caCertSecret: { name: "tls", key: "ca" }, clientCertSecret: { name: "tls", key: "cert" }, clientKeySecret: { name: "tls", key: "key" } },
        },
      },
      secrets,
    );
    await healthy(s);
    await amqpPublish(rabbit.url, "secure", "fanout", [{ body: '{"n":1}' }]);
    await waitFor("the message through each connection", () => taps.every((t) => t.events.length === 1));
  });

  it("stays unhealthy and retries with backoff while the broker refuses its credentials", async () => {
    const s = await es(
      "denied",
      {
        denied: {
          url: rabbit.plainUrl,
          exchangeName: "d",
          exchangeType: "fanout",
          routingKey: "x",
          connectionBackoff: { duration: "100ms", factor: 1 },
          auth: { username: { name: "r", key: "u" }, password: { name: "r", key: "p" } },
        },
      },
      { "r/u": rabbit.user, "r/p": "wrong" },
    );
    await waitFor("several refused attempts counted", async () => (await metricValue(s.registry, "impulse_eventsource_upstream_errors_total")) >= 2, 30_000);
    assert.equal(s.running.health().healthy, false);
    assert.match(JSON.stringify(s.running.health().components), /amqp\/denied/);
    assert.equal(await metricValue(s.registry, "impulse_eventsource_upstream_connected"), 0);
  });
});

