// Kafka EventSource replicas: a SIGKILLed process loses nothing and duplicates nothing past the bus; two replicas split partitions.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { tapBus, type Tap } from "../../kit/bus-tap.js";
import { spawnCli, waitHealthy, type CliProcess } from "../../kit/cli.js";
import { startKafka, type KafkaBroker } from "../../kit/kafka.js";
import { createTopic, produce } from "../../kit/kafka-io.js";
import { startNats } from "../../kit/nats.js";
import { eventSource, sensor } from "../../kit/resources.js";
import { metricValue, startEventSource, startSensor, type Started } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let kafka: KafkaBroker;
let nats: NatsServer;
let sink: Sink;
const running: { stop(): Promise<void> }[] = [];
const procs: CliProcess[] = [];

before(async () => {
  [kafka, nats, sink] = await Promise.all([startKafka(), startNats(), startSink()]);
});
after(async () => {
  for (const p of procs) await p.stop("SIGKILL");
  for (const r of running.reverse()) await r.stop();
  await sink.close();
  await nats.stop();
  await kafka.stop();
});

async function tap(ns: string, name: string, event: string): Promise<Tap> {
  const t = await tapBus(nats.url, ns, name, event);
  running.push(t);
  return t;
}

describe("kafka EventSource replicas", () => {
  it("delivers every record exactly once through the bus when the EventSource process is SIGKILLed mid-stream and restarted", async () => {
    const topic = "payments";
    await createTopic(kafka.brokers, topic, 2);
    const N = 200;
    const NS = "kill";
    const t = await tap(NS, "pay", "in");
    const s: Started = await startSensor(
      nats.url,
      NS,
      sensor("settle", {
        dependencies: [{ name: "p", eventSourceName: "pay", eventName: "in" }],
        triggers: [{ template: { name: "post", http: { url: `${sink.url}/settle`, payload: [{ src: { dependencyName: "p", dataKey: "body.seq", useRawData: true }, dest: "seq" }] } } }],
      }),
    );
    running.push(s);
    const file = join(mkdtempSync(join(tmpdir(), "impulse-kafka-kill-")), "es.yaml");
    // A rate limit makes "mid-stream" deterministic: the stream takes seconds, the kill lands inside it.
    writeFileSync(
      file,
      `apiVersion: impulse.dev/v1alpha1
kind: EventSource
metadata: {name: pay}
spec:
  kafka:
    in:
      url: ${kafka.url}
      topic: ${topic}
      jsonBody: true
      limitEventsPerSecond: 60
      consumerGroup: {groupName: pay, oldest: true}
`,
    );
    const startProcess = async () => {
      const metricsPort = await freePort();
      const p = spawnCli(["eventsource", "-f", file, "--nats-url", nats.url, "--namespace", NS, "--metrics-port", String(metricsPort), "--log-level", "warn"]);
      procs.push(p);
      await waitHealthy(p, metricsPort);
      return p;
    };

    await produce(kafka.brokers, topic, Array.from({ length: N }, (_, i) => ({ key: `k${i % 5}`, value: JSON.stringify({ seq: i }) })));
    const first = await startProcess();
    await waitFor("part of the stream published", () => t.events.length >= 60, 30_000);
    await first.stop("SIGKILL");
    const atKill = t.events.length;
    assert.ok(atKill < N, `killed mid-stream (${atKill} of ${N} published)`);

    // The restarted member waits for the dead one's session to expire (10 s), then re-reads from the last commit.
    await startProcess();
    await waitFor("every record on the bus", () => t.events.length >= N, 90_000);
    await waitFor("every record fired", () => sink.received.filter((r) => r.path === "/settle").length >= N, 30_000);
    const seqs = sink.received.filter((r) => r.path === "/settle").map((r) => (r.json as { seq: number }).seq);
    assert.deepEqual([...new Set(seqs)].sort((a, b) => a - b), Array.from({ length: N }, (_, i) => i), "every record arrived");
    assert.equal(t.events.length, N, "a re-read record was dropped by the bus dedup (same Argo id)");
    assert.equal(seqs.length, N, "no record fired twice");
  });

  it("splits the partitions between two replicas in one consumer group", async () => {
    const topic = "clicks";
    await createTopic(kafka.brokers, topic, 4);
    const NS = "split";
    const t = await tap(NS, "web", "clicks");
    const spec = { clicks: { url: kafka.url, topic, jsonBody: true, consumerGroup: { groupName: "web", oldest: true, rebalanceStrategy: "roundrobin" } } };
    const a = await startEventSource(nats.url, NS, eventSource("web", { kafka: spec }));
    running.push(a);
    const b = await startEventSource(nats.url, NS, eventSource("web", { kafka: spec }));
    running.push(b);
    const N = 80;
    // Both members must be in the group before records flow, or the first one takes them all.
    await waitFor("a rebalance that gives both replicas partitions", async () => {
      const [pa, pb] = await Promise.all([metricValue(a.registry, "impulse_eventsource_upstream_connected"), metricValue(b.registry, "impulse_eventsource_upstream_connected")]);
      return pa === 1 && pb === 1;
    });
    await new Promise((r) => setTimeout(r, 2000));
    await produce(kafka.brokers, topic, Array.from({ length: N }, (_, i) => ({ value: JSON.stringify({ i }), partition: i % 4 })));
    await waitFor("every record on the bus", () => t.events.length === N, 30_000);
    const got = { a: await metricValue(a.registry, "impulse_eventsource_events_received_total"), b: await metricValue(b.registry, "impulse_eventsource_events_received_total") };
    assert.equal(got.a + got.b, N, `each record read by one replica only (${JSON.stringify(got)})`);
    assert.equal(got.a, N / 2, "round-robin: two of four partitions each");
    assert.equal(got.b, N / 2);
  });
});
