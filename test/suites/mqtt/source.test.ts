// The mqtt EventSource against a real Mosquitto (Debian's mosquitto) and nats-server: Argo's data shape, QoS 1 with the
// PUBACK only after the bus stored the event, a persistent session across restarts and crashes, auth and TLS.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import type { RunningEventSource } from "@impulse/eventsource";
import { request } from "undici";
import { tapBus, type Tap } from "../../kit/bus-tap.js";
import { spawnCli, waitHealthy, type CliProcess } from "../../kit/cli.js";
import { mosquittoMissing, startMosquitto, type Mosquitto } from "../../kit/mosquitto.js";
import { mqttPublish } from "../../kit/mqtt-io.js";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { metricValue, startEventSource, type Started } from "../../kit/runtimes.js";
import { waitFor } from "../../kit/wait.js";

const missing = mosquittoMissing();
let broker: Mosquitto;
let nats: NatsServer;
const running: { stop(): Promise<void> }[] = [];
const procs: CliProcess[] = [];

describe("mqtt EventSource", { skip: missing }, () => {
  before(async () => {
    [broker, nats] = await Promise.all([startMosquitto({ auth: true, tls: true }), startNats()]);
  });
  after(async () => {
    for (const p of procs) await p.stop("SIGKILL");
    for (const r of running.reverse()) await r.stop().catch(() => undefined);
    await nats?.stop();
    await broker?.stop();
  });

  const creds = () => ({ "mq/user": broker.user!, "mq/pass": broker.password! });
  const auth = { username: { name: "mq", key: "user" }, password: { name: "mq", key: "pass" } };
  const secretsFrom = (values: Record<string, string>) => async (ref: { name: string; key: string }) => {
    const v = values[`${ref.name}/${ref.key}`];
    if (v === undefined) throw new Error(`no secret ${ref.name}/${ref.key}`);
    return v;
  };
  async function es(ns: string, events: Record<string, unknown>, secrets: Record<string, string> = creds()): Promise<Started & { running: RunningEventSource }> {
    const s = await startEventSource(nats.url, ns, eventSource("things", { mqtt: events }), { secrets: secretsFrom(secrets) });
    running.push(s);
    await waitFor("source healthy", () => s.running.health().healthy, 30_000);
    return s;
  }
  async function tap(ns: string, event: string): Promise<Tap> {
    const t = await tapBus(nats.url, ns, "things", event);
    running.push(t);
    return t;
  }
  const publish = (topic: string, payloads: string[]) => mqttPublish(broker.url, topic, payloads, broker.clientOptions);
  const seqs = (t: Tap) => t.events.map((e) => ((e.data as { body: { seq: number } }).body).seq);

  /** `impulse eventsource` as its own process (for kills), with the broker credentials in the environment as Secrets. */
  async function cliSource(ns: string, spec: Record<string, unknown>): Promise<{ p: CliProcess; metricsPort: number }> {
    const dir = mkdtempSync(join(tmpdir(), "impulse-mqtt-"));
    const file = join(dir, "es.yaml");
    writeFileSync(file, JSON.stringify(eventSource("things", { mqtt: spec })));
    const metricsPort = await freePort();
    const p = spawnCli(["eventsource", "-f", file, "--nats-url", nats.url, "--namespace", ns, "--metrics-port", String(metricsPort), "--log-level", "warn"], {
      IMPULSE_SECRET_MQ_USER: broker.user!,
      IMPULSE_SECRET_MQ_PASS: broker.password!,
    });
    procs.push(p);
    await waitHealthy(p, metricsPort, 60_000);
    return { p, metricsPort };
  }
  async function scrape(metricsPort: number, line: RegExp): Promise<number> {
    const r = await request(`http://127.0.0.1:${metricsPort}/metrics`);
    const text = await r.body.text();
    const m = text.split("\n").find((l) => line.test(l));
    return m ? Number(m.split(" ").pop()) : 0;
  }

  it("publishes QoS 1 messages of a wildcard topic as events with Argo's MQTT data", async () => {
    const t = await tap("shape", "temp");
    await es("shape", { temp: { url: broker.tcpUrl, topic: "sensors/+/temp", clientId: "shape-1", jsonBody: true, metadata: { site: "a" }, auth } });
    await publish("sensors/kitchen/temp", ['{"seq":0,"c":21.5}', '{"seq":1,"c":22}']);
    await publish("sensors/kitchen/humidity", ['{"seq":-1}']);
    await waitFor("both messages", () => t.events.length === 2);
    for (const [i, e] of t.events.entries()) {
      assert.equal(e.type, "mqtt");
      assert.equal(e.source, "things");
      assert.equal(e.subject, "temp");
      const d = e.data as Record<string, unknown>;
      assert.deepEqual({ ...d, messageId: undefined }, { topic: "sensors/kitchen/temp", messageId: undefined, body: [{ seq: 0, c: 21.5 }, { seq: 1, c: 22 }][i], metadata: { site: "a" } });
      assert.ok(Number.isInteger(d["messageId"]) && (d["messageId"] as number) > 0, "the QoS 1 packet id");
    }
  });

  it("keeps its session: messages published while the source is stopped arrive when it starts again", async () => {
    const t = await tap("session", "in");
    const spec = { in: { url: broker.tcpUrl, topic: "session/in", clientId: "session-1", jsonBody: true, auth } };
    const first = await es("session", spec);
    await publish("session/in", ['{"seq":0}']);
    await waitFor("first message", () => t.events.length === 1);
    await first.stop();
    await publish("session/in", ['{"seq":1}', '{"seq":2}']);
    await es("session", spec);
    await waitFor("the messages published while stopped", () => t.events.length === 3);
    assert.deepEqual(seqs(t), [0, 1, 2]);
  });

  it("counts and skips a payload that is not JSON with jsonBody, and base64-encodes payloads without it", async () => {
    const poison = await tap("poison", "json");
    const raw = await tap("poison", "raw");
    const s = await es("poison", {
      json: { url: broker.tcpUrl, topic: "poison/in", clientId: "poison-json", jsonBody: true, auth },
      raw: { url: broker.tcpUrl, topic: "poison/in", clientId: "poison-raw", auth },
    });
    await publish("poison/in", ['{"seq":0}', "not json {", '{"seq":1}']);
    await waitFor("the messages around the poison one, and all three raw", () => poison.events.length === 2 && raw.events.length === 3);
    assert.deepEqual(seqs(poison), [0, 1]);
    assert.equal(await metricValue(s.registry, "impulse_eventsource_events_failed_total", { reason: "poison" }), 1);
    assert.deepEqual(raw.events.map((e) => (e.data as { body: unknown }).body), ['{"seq":0}', "not json {", '{"seq":1}'].map((p) => Buffer.from(p).toString("base64")));
    await publish("poison/in", ['{"seq":2}']);
    await waitFor("still reading", () => poison.events.length === 3);
  });

  it("connects over TLS with a client certificate from Secrets, and stays unhealthy with wrong credentials", async () => {
    const t = await tap("tls", "secure");
    await es(
      "tls",
      {
        secure: {
          url: broker.tlsUrl,
          topic: "tls/in",
          clientId: "tls-1",
          jsonBody: true,
          auth,
          tls: { caCertSecret: { name: "tls", key: "ca" }, clientCertSecret: { name: "tls", key: "cert" }, clientKeySecret: { name: "tls", key: "key" } },
        },
      },
      { ...creds(), "tls/ca": broker.certs!.pem.ca, "tls/cert": broker.certs!.pem.clientCert, "tls/key": broker.certs!.pem.clientKey },
    );
    await publish("tls/in", ['{"seq":0}']);
    await waitFor("the message over TLS", () => t.events.length === 1);

    const denied = await startEventSource(
      nats.url,
      "tls",
      eventSource("denied", { mqtt: { in: { url: broker.tcpUrl, topic: "x", clientId: "denied-1", auth, connectionBackoff: { duration: "100ms", factor: 1 } } } }),
      { secrets: secretsFrom({ "mq/user": broker.user!, "mq/pass": "wrong" }) },
    );
    running.push(denied);
    await waitFor("refused attempts counted", async () => (await metricValue(denied.registry, "impulse_eventsource_upstream_errors_total")) >= 2, 30_000);
    assert.equal(denied.running.health().healthy, false);
    assert.match(JSON.stringify(denied.running.health().components), /mqtt\/in/);
  });

  it("shows a broker outage on /health and metrics, reconnects with backoff, and reads again", async () => {
    const t = await tap("outage", "in");
    const s = await es("outage", { in: { url: broker.tcpUrl, topic: "outage/in", clientId: "outage-1", jsonBody: true, auth, connectionBackoff: { duration: "200ms" } } });
    assert.equal(await metricValue(s.registry, "impulse_eventsource_upstream_connected"), 1);
    await publish("outage/in", ['{"seq":0}']);
    await waitFor("first message", () => t.events.length === 1);
    await broker.pause();
    try {
      await waitFor("unhealthy while the broker is down", () => !s.running.health().healthy, 30_000);
      assert.equal(await metricValue(s.registry, "impulse_eventsource_upstream_connected"), 0);
    } finally {
      await broker.start();
    }
    await waitFor("healthy again", () => s.running.health().healthy, 30_000);
    await publish("outage/in", ['{"seq":1}']);
    await waitFor("a message after the outage", () => seqs(t).includes(1));
    assert.ok((await metricValue(s.registry, "impulse_eventsource_upstream_errors_total")) >= 1);
  });

  it("does not PUBACK while the bus is down: messages held then survive a SIGKILL of the source and arrive after the bus is back", async () => {
    const ns = "busdown";
    const t = await tap(ns, "in");
    const spec = { in: { url: broker.tcpUrl, topic: "busdown/in", clientId: "busdown-1", jsonBody: true, auth } };
    const first = await cliSource(ns, spec);
    await publish("busdown/in", ['{"seq":0}']);
    await waitFor("first message", () => t.events.length === 1);
    await nats.stop();
    try {
      await publish("busdown/in", Array.from({ length: 5 }, (_, i) => JSON.stringify({ seq: 1 + i })));
      await waitFor("the source retrying against the down bus", async () => (await scrape(first.metricsPort, /^impulse_eventsource_events_failed_total\{.*reason="bus_unavailable"/)) >= 1, 30_000);
      await first.p.stop("SIGKILL");
    } finally {
      await nats.restart();
    }
    await cliSource(ns, spec);
    await waitFor("the held messages, redelivered by the broker", () => seqs(t).length >= 6, 60_000);
    assert.deepEqual([...new Set(seqs(t))].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5]);
  });

  it("loses nothing when the EventSource process is SIGKILLed mid-stream and restarted", async (tc) => {
    const ns = "kill";
    const t = await tap(ns, "in");
    const spec = { in: { url: broker.tcpUrl, topic: "kill/in", clientId: "kill-1", jsonBody: true, auth } };
    const first = await cliSource(ns, spec);
    const N = 300;
    const publishing = publish("kill/in", Array.from({ length: N }, (_, i) => JSON.stringify({ seq: i })));
    await waitFor("part of the stream stored", () => t.events.length >= 20, 30_000);
    await first.p.stop("SIGKILL");
    const atKill = t.events.length;
    await publishing;
    await cliSource(ns, spec);
    await waitFor("every message on the bus", () => new Set(seqs(t)).size === N, 60_000);
    const got = seqs(t);
    tc.diagnostic(`killed with ${atKill} of ${N} stored; ${got.length - N} stored twice`);
    assert.deepEqual([...new Set(got)].sort((a, b) => a - b), Array.from({ length: N }, (_, i) => i), "every message stored");
    // MQTT 3.1.1 messages have no identity: only what was stored but not yet PUBACKed at the kill can come twice.
    assert.ok(got.length - N <= 20, `at most the broker's in-flight window (20) stored twice, got ${got.length - N}`);
  });
});

