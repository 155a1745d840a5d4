// The minio EventSource against a real MinIO server: the source contract (at-most-once), Argo's data shape, filters, stable ids, outages, TLS, the example.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import { tapBus, type Tap } from "../../kit/bus-tap.js";
import { serverCerts } from "../../kit/certs.js";
import type { CliProcess } from "../../kit/cli.js";
import { startMinio, type MinioServer } from "../../kit/minio.js";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { runExample } from "../../kit/run-example.js";
import { metricValue, startEventSource } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { sourceContract } from "../../kit/source-contract.js";
import { waitFor } from "../../kit/wait.js";

const KEYS = { accessKey: { name: "minio", key: "accesskey" }, secretKey: { name: "minio", key: "secretkey" } };
const secretsOf = (m: MinioServer) => async (ref: { name: string; key: string }) =>
  ref.key === "accesskey" ? m.accessKey : ref.key === "secretkey" ? m.secretKey : ref.key === "ca" && m.caPem ? m.caPem : Promise.reject(new Error(`no secret ${ref.name}/${ref.key}`));

/** A record as the source stores it: Argo's {notification: [record]}. */
type Record0 = { eventName: string; eventTime: string; s3: { bucket: { name: string }; object: { key: string; eTag?: string; sequencer: string; size?: number } } };
const record = (data: unknown): Record0 => {
  const n = (data as { notification: Record0[] }).notification;
  assert.ok(Array.isArray(n) && n.length === 1, "notification holds the one record");
  return n[0]!;
};

sourceContract({
  type: "minio",
  guarantee: "at-most-once",
  // Every record comes from MinIO itself; no client can make it send a malformed one. The decoder's handling of a bad
  // line or record (counted as poison, skipped) is unit-tested in eventsource/src/sources/minio/records.test.ts.
  skip: { poison: "MinIO writes every notification itself: a client cannot publish a malformed one (bad lines and records: unit-tested)" },
  async start() {
    const m = await startMinio();
    const c = m.client();
    return {
      // One bucket per check; the object key carries the payload's sequence number (a notification has no body).
      eventConfig: (bucket) => ({ endpoint: m.endpoint, insecure: true, bucket: { name: bucket }, events: ["s3:ObjectCreated:Put"], ...KEYS }),
      prepare: (bucket) => c.makeBucket(bucket),
      publish: async (bucket, payloads) => {
        for (const p of payloads) await c.putObject(bucket, `obj-${(JSON.parse(p) as { seq: number }).seq}.json`, Buffer.from(p));
      },
      expectData: (d, bucket) => {
        const r = record(d);
        assert.equal(r.eventName, "s3:ObjectCreated:Put");
        assert.equal(r.s3.bucket.name, bucket);
        return { seq: Number(/^obj-(\d+)\.json$/.exec(r.s3.object.key)![1]) };
      },
      down: () => m.kill(),
      up: () => m.start(),
      stop: () => m.stop(),
      secrets: { "minio/accesskey": m.accessKey, "minio/secretkey": m.secretKey },
    };
  },
});

describe("minio EventSource", () => {
  let minio: MinioServer;
  let bus: NatsServer;
  let sink: Sink;
  const running: { stop(): Promise<void> }[] = [];
  const procs: CliProcess[] = [];
  before(async () => {
    [minio, bus, sink] = await Promise.all([startMinio(), startNats(), startSink()]);
  });
  after(async () => {
    for (const p of procs) await p.stop();
    for (const r of running.reverse()) await r.stop();
    await sink?.close();
    await minio?.stop();
    await bus?.stop();
  });
  async function tap(ns: string, event: string): Promise<Tap> {
    const t = await tapBus(bus.url, ns, "m", event);
    running.push(t);
    return t;
  }
  async function run(ns: string, events: Record<string, unknown>, server = minio) {
    const s = await startEventSource(bus.url, ns, eventSource("m", { minio: events }), { secrets: secretsOf(server) });
    running.push(s);
    return s;
  }

  it("gives Argo's data (notification records, metadata), with MinIO's event and prefix/suffix filters and filter.expression", async () => {
    const c = minio.client();
    await c.makeBucket("shape");
    const t = { puts: await tap("shape", "puts"), removed: await tap("shape", "removed") };
    const s = await run("shape", {
      puts: {
        endpoint: minio.endpoint,
        insecure: true,
        bucket: { name: "shape" },
        events: ["s3:ObjectCreated:Put"],
        filter: { prefix: "in/", suffix: ".json", expression: "notification.0.s3.object.size > 2" },
        metadata: { team: "a" },
        ...KEYS,
      },
      removed: { endpoint: minio.endpoint, insecure: true, bucket: { name: "shape" }, events: ["s3:ObjectRemoved:*"], ...KEYS },
    });
    await waitFor("listening", () => s.running.health().healthy, 30_000);
    await c.putObject("shape", "in/a.json", Buffer.from('{"a":1}'), undefined, { "X-Amz-Meta-Owner": "ops" });
    await c.putObject("shape", "in/b.txt", Buffer.from("no")); // suffix filtered by MinIO
    await c.putObject("shape", "out/c.json", Buffer.from("{}")); // prefix filtered by MinIO
    await c.putObject("shape", "in/tiny.json", Buffer.from("{}")); // size 2: dropped by filter.expression
    await c.removeObject("shape", "in/a.json");
    await waitFor("the put and the removal", () => t.puts.events.length === 1 && t.removed.events.length === 1, 30_000);
    const put = t.puts.events[0]!;
    assert.deepEqual((put.data as { metadata: unknown }).metadata, { team: "a" });
    const r = record(put.data);
    assert.equal(r.eventName, "s3:ObjectCreated:Put");
    assert.equal(r.s3.bucket.name, "shape");
    assert.equal(r.s3.object.key, "in/a.json");
    assert.equal(r.s3.object.size, 7);
    assert.ok(r.s3.object.sequencer, "MinIO's sequencer is kept");
    assert.equal(put.time, new Date(r.eventTime).toISOString(), "the event time is the notification's");
    assert.equal(put.type, "minio");
    assert.equal(record(t.removed.events[0]!.data).eventName, "s3:ObjectRemoved:Delete");
    assert.equal(await metricValue(s.registry, "impulse_eventsource_events_filtered_total"), 1, "the tiny object dropped by the expression");
  });

  it("stores a notification once when two listeners receive it (a leader handover overlap): the id comes from the record", async () => {
    await minio.client().makeBucket("twice");
    const t = await tap("twice", "in");
    const config = { in: { endpoint: minio.endpoint, insecure: true, bucket: { name: "twice" }, events: ["s3:ObjectCreated:*"], ...KEYS } };
    const [a, b] = [await run("twice", config), await run("twice", config)];
    await waitFor("both listening", () => a.running.health().healthy && b.running.health().healthy, 30_000);
    const N = 10;
    for (let i = 0; i < N; i++) await minio.client().putObject("twice", `k${i}`, Buffer.from(String(i)));
    const received = async () => (await metricValue(a.registry, "impulse_eventsource_events_received_total")) + (await metricValue(b.registry, "impulse_eventsource_events_received_total"));
    await waitFor("both listeners got every notification", async () => (await received()) === 2 * N, 30_000);
    await waitFor("the events on the bus", () => t.events.length >= N, 30_000);
    const dups = (await metricValue(a.registry, "impulse_eventsource_events_duplicate_total")) + (await metricValue(b.registry, "impulse_eventsource_events_duplicate_total"));
    assert.equal(dups, N, "every second copy was a duplicate");
    assert.deepEqual(t.events.map((e) => record(e.data).s3.object.key).sort(), Array.from({ length: N }, (_, i) => `k${i}`).sort());
    assert.equal(new Set(t.events.map((e) => e.id)).size, N);
  });

  it("is unhealthy, naming the event, while the bucket is missing or the keys are wrong, and listens once they are right", async () => {
    const missing = await run("missing", { in: { endpoint: minio.endpoint, insecure: true, bucket: { name: "not-yet" }, ...KEYS } });
    await waitFor("reported", () => Object.keys(missing.running.health().components).includes("minio/in"), 30_000);
    assert.equal(missing.running.health().healthy, false);
    assert.match(missing.running.health().components["minio/in"]!.error ?? "", /NoSuchBucket/);
    const t = await tap("missing", "in");
    await minio.client().makeBucket("not-yet");
    await waitFor("listening after the bucket appeared (reconnect with backoff)", () => missing.running.health().healthy, 60_000);
    await minio.client().putObject("not-yet", "x", Buffer.from("x"));
    await waitFor("the event", () => t.events.length === 1, 30_000);

    const s = await startEventSource(bus.url, "badkeys", eventSource("m", { minio: { in: { endpoint: minio.endpoint, insecure: true, bucket: { name: "not-yet" }, ...KEYS } } }), {
      secrets: async (ref) => (ref.key === "accesskey" ? minio.accessKey : "wrong-secret"),
    });
    running.push(s);
    await waitFor("reported", () => Object.keys(s.running.health().components).includes("minio/in") && !s.running.health().healthy, 30_000);
    assert.ok((await metricValue(s.registry, "impulse_eventsource_upstream_errors_total")) >= 1);
  });

  it("listens over HTTPS, trusting a private CA from caCertificate", async () => {
    const tls = await startMinio({ tls: serverCerts() });
    running.push(tls);
    await tls.client().makeBucket("secure");
    const t = await tap("tls", "in");
    const s = await run("tls", { in: { endpoint: tls.endpoint, bucket: { name: "secure" }, caCertificate: { name: "minio", key: "ca" }, ...KEYS } }, tls);
    await waitFor("listening over TLS", () => s.running.health().healthy, 30_000);
    await tls.client().putObject("secure", "doc", Buffer.from("x"));
    await waitFor("the event", () => t.events.length === 1, 30_000);
    assert.equal(record(t.events[0]!.data).s3.object.key, "doc");
  });

  it("runs the example (manifests/examples/minio) end to end", async () => {
    await minio.client().makeBucket("uploads");
    // The example's Secret as the CLI reads it locally (IMPULSE_SECRET_<NAME>_<KEY>); the spawned processes inherit it.
    process.env["IMPULSE_SECRET_MINIO_CREDENTIALS_ACCESSKEY"] = minio.accessKey;
    process.env["IMPULSE_SECRET_MINIO_CREDENTIALS_SECRETKEY"] = minio.secretKey;
    await runExample(
      "minio",
      { eventsource: [["localhost:9000", minio.endpoint]], sensor: [["http://localhost:8090", sink.url]] },
      { natsUrl: bus.url, namespace: "minio-example", procs },
    );
    await minio.client().putObject("uploads", "reports/q1.csv", Buffer.from("a,b\n1,2\n"));
    await minio.client().putObject("uploads", "reports/readme.txt", Buffer.from("skip"));
    await waitFor("the upload posted", () => sink.received.some((r) => r.path === "/uploaded"), 30_000);
    assert.deepEqual(sink.received.filter((r) => r.path === "/uploaded").map((r) => r.json), [{ bucket: "uploads", key: "reports/q1.csv", size: "8" }]);
  });
});
