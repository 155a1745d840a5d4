// The nats EventSource against a real nats-server (separate from the bus's): the source contract, Argo's data shape,
// token/basic/nkey/credentials-file auth and TLS from Secrets, and queue groups.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import { connect, credsAuthenticator, headers, nkeys, type ConnectionOptions } from "@nats-io/transport-node";
import { tapBus, type Tap } from "../../kit/bus-tap.js";
import { serverCerts } from "../../kit/certs.js";
import { natsCreds } from "../../kit/nats-creds.js";
import type { CliProcess } from "../../kit/cli.js";
import { runExample } from "../../kit/run-example.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { metricValue, startEventSource } from "../../kit/runtimes.js";
import { sourceContract } from "../../kit/source-contract.js";
import { waitFor } from "../../kit/wait.js";

/** Publishes core NATS messages on a short-lived connection (survives the upstream's restarts between calls). */
async function publish(url: string, subject: string, payloads: (string | { data: string; headers: Record<string, string> })[], auth: Partial<ConnectionOptions> = {}) {
  const nc = await connect({ servers: url, ...auth });
  try {
    for (const p of payloads) {
      if (typeof p === "string") nc.publish(subject, p);
      else {
        const h = headers();
        for (const [k, v] of Object.entries(p.headers)) h.append(k, v);
        nc.publish(subject, p.data, { headers: h });
      }
    }
    await nc.flush();
  } finally {
    await nc.close();
  }
}

sourceContract({
  type: "nats",
  guarantee: "at-most-once",
  async start() {
    const upstream = await startNats();
    return {
      eventConfig: (subject) => ({ url: upstream.url, subject, jsonBody: true, connectionBackoff: { duration: "200ms", steps: 3 } }),
      publish: (subject, payloads) => publish(upstream.url, subject, payloads),
      expectData: (d, subject) => {
        assert.equal(d["subject"], subject);
        assert.equal("header" in d, false, "no header field when the message had none");
        return d["body"];
      },
      down: () => upstream.stop(),
      up: () => upstream.restart(),
      stop: () => upstream.stop(),
    };
  },
});

describe("nats EventSource", () => {
  let upstream: NatsServer;
  let bus: NatsServer;
  let sink: Sink;
  const running: { stop(): Promise<void> }[] = [];
  const procs: CliProcess[] = [];
  before(async () => {
    [upstream, bus, sink] = await Promise.all([startNats(), startNats(), startSink()]);
  });
  after(async () => {
    for (const p of procs) await p.stop();
    for (const r of running.reverse()) await r.stop();
    await sink.close();
    await upstream.stop();
    await bus.stop();
  });
  async function tap(ns: string, name: string, event: string): Promise<Tap> {
    const t = await tapBus(bus.url, ns, name, event);
    running.push(t);
    return t;
  }
  async function es(ns: string, name: string, events: Record<string, unknown>, secrets?: Record<string, string>) {
    const s = await startEventSource(bus.url, ns, eventSource(name, { nats: events }), {
      ...(secrets
        ? {
            secrets: async (ref) => {
              const v = secrets[`${ref.name}/${ref.key}`];
              if (v === undefined) throw new Error(`no secret ${ref.name}/${ref.key}`);
              return v;
            },
          }
        : {}),
    });
    running.push(s);
    await waitFor("subscribed", () => s.running.health().healthy, 30_000);
    return s;
  }

  it("gives Argo's data: subject (wildcards), headers, metadata, base64 body without jsonBody", async () => {
    const t = await tap("shape", "n", "raw");
    await es("shape", "n", { raw: { url: upstream.url, subject: "orders.>", metadata: { team: "a" } } });
    await publish(upstream.url, "orders.eu.new", [{ data: "hello", headers: { "X-Trace": "t1" } }]);
    await waitFor("the event", () => t.events.length === 1);
    assert.deepEqual(t.events[0]!.data, { subject: "orders.eu.new", body: "aGVsbG8=", header: { "X-Trace": ["t1"] }, metadata: { team: "a" } });
    assert.equal(t.events[0]!.type, "nats");
  });

  it("authenticates with a token, user/password or an NKey read from Secrets", async () => {
    const user = nkeys.createUser();
    const dir = mkdtempSync(join(tmpdir(), "impulse-nats-auth-"));
    const conf = join(dir, "auth.conf");
    writeFileSync(
      conf,
      `authorization { users = [ {user: "u", password: "p"}, {nkey: "${user.getPublicKey()}"} ] }\n`,
    );
    const locked = await startNats({ extraArgs: ["-c", conf] });
    const tokenServer = await startNats({ extraArgs: ["--auth", "s3cret-token"] });
    running.push(locked, tokenServer);
    const t = { basic: await tap("auth", "a", "basic"), nkey: await tap("auth", "a", "nkey"), token: await tap("auth", "a", "token") };
    const s = await es(
      "auth",
      "a",
      {
        basic: { url: locked.url, subject: "b", jsonBody: true, auth: { basic: { username: { name: "n", key: "user" }, password: { name: "n", key: "pass" } } } },
        nkey: { url: locked.url, subject: "k", jsonBody: true, auth: { nkey: { name: "n", key: "seed" } } },
        token: { url: tokenServer.url, subject: "t", jsonBody: true, auth: { token: { name: "n", key: "token" } } },
      },
      { "n/user": "u", "n/pass": "p\n", "n/seed": new TextDecoder().decode(user.getSeed()), "n/token": "s3cret-token" },
    );
    assert.equal(s.running.health().healthy, true);
    await publish(locked.url, "b", ['{"via":"basic"}'], { user: "u", pass: "p" });
    await publish(locked.url, "k", ['{"via":"nkey"}'], { user: "u", pass: "p" });
    await publish(tokenServer.url, "t", ['{"via":"token"}'], { token: "s3cret-token" });
    await waitFor("one event per auth kind", () => t.basic.events.length === 1 && t.nkey.events.length === 1 && t.token.events.length === 1);
    assert.deepEqual((t.nkey.events[0]!.data as { body: unknown }).body, { via: "nkey" });
  });

  it("authenticates with a credentials file (user JWT + seed) from a Secret, on an operator-mode server", async () => {
    const c = natsCreds();
    const dir = mkdtempSync(join(tmpdir(), "impulse-nats-creds-"));
    writeFileSync(join(dir, "operator.conf"), c.serverConfig);
    const operatorServer = await startNats({ extraArgs: ["-c", join(dir, "operator.conf")] });
    running.push(operatorServer);
    const t = await tap("creds", "c", "in");
    await es("creds", "c", { in: { url: operatorServer.url, subject: "jwt", jsonBody: true, auth: { credential: { name: "n", key: "creds" } } } }, { "n/creds": c.creds });
    await publish(operatorServer.url, "jwt", ['{"via":"creds"}'], { authenticator: credsAuthenticator(new TextEncoder().encode(c.creds)) });
    await waitFor("the event", () => t.events.length === 1);
    assert.deepEqual((t.events[0]!.data as { body: unknown }).body, { via: "creds" });
  });

  it("is unhealthy, naming the event, while the server refuses its credentials", async () => {
    const tokenServer = await startNats({ extraArgs: ["--auth", "right"] });
    running.push(tokenServer);
    const s = await startEventSource(bus.url, "badauth", eventSource("b", { nats: { in: { url: tokenServer.url, subject: "x", auth: { token: { name: "n", key: "t" } } } } }), {
      secrets: async () => "wrong",
    });
    running.push(s);
    await waitFor("an authorization failure counted", async () => (await metricValue(s.registry, "impulse_eventsource_upstream_errors_total")) >= 1, 30_000);
    assert.equal(s.running.health().healthy, false);
    assert.match(JSON.stringify(s.running.health().components), /nats\/in/);
  });

  it("connects with TLS, verifying the server against the CA from a Secret (and refusing an unknown one)", async () => {
    const certs = serverCerts();
    const tlsServer = await startNats({ extraArgs: ["--tls", "--tlscert", certs.certFile, "--tlskey", certs.keyFile] });
    running.push(tlsServer);
    const t = await tap("tls", "t", "in");
    await es("tls", "t", { in: { url: tlsServer.url, subject: "secure", jsonBody: true, tls: { caCertSecret: { name: "tls", key: "ca" } } } }, { "tls/ca": certs.ca });
    await publish(tlsServer.url, "secure", ['{"over":"tls"}'], { tls: { caFile: certs.caFile } });
    await waitFor("the event", () => t.events.length === 1);
    assert.deepEqual((t.events[0]!.data as { body: unknown }).body, { over: "tls" });

    const other = serverCerts();
    const s = await startEventSource(bus.url, "tls-bad", eventSource("t", { nats: { in: { url: tlsServer.url, subject: "x", tls: { caCertSecret: { name: "tls", key: "ca" } } } } }), {
      secrets: async () => other.ca,
    });
    running.push(s);
    await waitFor("the unknown server refused", async () => (await metricValue(s.registry, "impulse_eventsource_upstream_errors_total")) >= 1, 30_000);
    assert.equal(s.running.health().healthy, false);
  });

  it("shares messages between replicas in one queue group: each message becomes one event", async () => {
    const t = await tap("queue", "q", "in");
    const spec = { in: { url: upstream.url, subject: "work", queue: "workers", jsonBody: true } };
    const a = await es("queue", "q", spec);
    const b = await es("queue", "q", spec);
    const N = 60;
    await publish(upstream.url, "work", Array.from({ length: N }, (_, i) => JSON.stringify({ i })));
    await waitFor("every message on the bus", () => t.events.length >= N);
    const got = { a: await metricValue(a.registry, "impulse_eventsource_events_received_total"), b: await metricValue(b.registry, "impulse_eventsource_events_received_total") };
    assert.equal(got.a + got.b, N, `each message read by one replica (${JSON.stringify(got)})`);
    assert.equal(t.events.length, N);
  });

  it("runs the example (manifests/examples/nats) end to end", async () => {
    await runExample(
      "nats",
      { eventsource: [["nats://localhost:4333", upstream.url]], sensor: [["http://localhost:8090", sink.url]] },
      { natsUrl: bus.url, namespace: "nats-example", procs },
    );
    await publish(upstream.url, "orders.eu", ['{"id":"o-1","amount":5}']);
    await waitFor("the order posted", () => sink.received.some((r) => r.path === "/orders"), 30_000);
    assert.deepEqual(sink.received.find((r) => r.path === "/orders")!.json, { orderId: "o-1", subject: "orders.eu", team: "shop" });
  });
});
