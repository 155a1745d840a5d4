// A 3-node JetStream cluster under a steady stream of webhook events: kill -9 the stream leader, then another server;
// nothing accepted is lost, the webhook answers only 2xx or 503, the sensor runs on, and no effect happens twice.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { bucketName, freePort, streamName } from "@impulse/bus";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { Pool } from "undici";
import { startRuntime, type CliProcess } from "../../kit/cli.js";
import { startNatsCluster, type NatsCluster } from "../../kit/nats-cluster.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { sleep, waitFor } from "../../kit/wait.js";

const NS = "cluster";
const SCOPE = { namespace: NS, busName: "default" };
/** Events per second the sender aims for: steady, well under what two shared cores carry. */
const RATE = 40;
/** Accepted events between steps (before the first kill, after each election, after each restart). */
const STEP = 150;

let cluster: NatsCluster;
let sink: Sink;
let webhookPort: number;
const procs: CliProcess[] = [];
let es: CliProcess & { metricsPort: number };
let sensor: CliProcess & { metricsPort: number };

before(async () => {
  cluster = await startNatsCluster();
  sink = await startSink();
  webhookPort = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "impulse-cluster-"));
  writeFileSync(
    join(dir, "eventsource.yaml"),
    `apiVersion: impulse.dev/v1alpha1
kind: EventSource
metadata: {name: orders}
spec:
  webhook:
    created: {port: "${webhookPort}", endpoint: /orders, method: POST}
`,
  );
  writeFileSync(
    join(dir, "sensor.yaml"),
    `apiVersion: impulse.dev/v1alpha1
kind: Sensor
metadata: {name: forward}
spec:
  dependencies:
    - {name: order, eventSourceName: orders, eventName: created}
  triggers:
    - template:
        name: post
        http:
          url: ${sink.url}/effect
          payload:
            - src: {dependencyName: order, contextKey: id}
              dest: id
`,
  );
  // As the controller runs them for an EventBus with replicas 3: every server's URL, the stream settings in the env.
  const env = { IMPULSE_BUS_STREAM: JSON.stringify({ replicas: 3 }) };
  const args = ["--nats-url", cluster.url, "--namespace", NS, "--log-level", "warn"];
  es = await startRuntime("eventsource", join(dir, "eventsource.yaml"), args, procs, env);
  sensor = await startRuntime("sensor", join(dir, "sensor.yaml"), args, procs, env);
});

after(async () => {
  for (const p of procs) await p.stop();
  await sink?.close();
  await cluster?.stop();
});

interface Sent {
  /** CloudEvent ids the webhook accepted (2xx). */
  accepted: Set<string>;
  /** 503 answers, each with the step of the run it came in and when. */
  unavailable: { id: string; phase: string; at: number }[];
  /** Any other answer or a failed request: each one fails the test. */
  wrong: string[];
}

it("loses nothing and duplicates no effect when the stream leader, then another server, is killed with SIGKILL", async () => {
  // The bus driver created the stream and the sensor's KV with three copies.
  const nc = await connect({ servers: cluster.url.split(",") });
  const jsm = await jetstreamManager(nc);
  const stream = streamName(SCOPE);
  assert.equal((await jsm.streams.info(stream)).config.num_replicas, 3);
  const kvStreams: string[] = [];
  for await (const s of jsm.streams.list()) if (s.config.name.startsWith(`KV_${bucketName(SCOPE, "")}`)) kvStreams.push(s.config.name);
  assert.ok(kvStreams.length > 0, "the sensor keeps state in a KV bucket");
  for (const name of kvStreams) assert.equal((await jsm.streams.info(name)).config.num_replicas, 3, `${name} replicas`);
  await nc.close();

  const sent: Sent = { accepted: new Set(), unavailable: [], wrong: [] };
  let phase = "steady";
  let stopping = false;
  const pool = new Pool(`http://127.0.0.1:${webhookPort}`, { connections: 8 });
  // A client that follows the docs: a 503 is retried with the same CloudEvent id until it is accepted.
  const sendOne = async (id: string): Promise<void> => {
    for (;;) {
      let status: number;
      try {
        const r = await pool.request({
          path: "/orders",
          method: "POST",
          headers: { "content-type": "application/json", "ce-specversion": "1.0", "ce-id": id, "ce-source": "cluster-test", "ce-type": "order.created" },
          body: JSON.stringify({ order: id }),
        });
        await r.body.dump();
        status = r.statusCode;
      } catch (e) {
        sent.wrong.push(`${id}: ${(e as Error).message}`);
        return;
      }
      if (status >= 200 && status < 300) return void sent.accepted.add(id);
      if (status !== 503) return void sent.wrong.push(`${id}: HTTP ${status}`);
      sent.unavailable.push({ id, phase, at: Date.now() });
      await sleep(250);
    }
  };
  const inFlight = new Set<Promise<void>>();
  const sender = (async () => {
    for (let n = 0; !stopping; n++) {
      const p = sendOne(`order-${n}`).finally(() => inFlight.delete(p));
      inFlight.add(p);
      await sleep(1000 / RATE);
    }
    await Promise.all(inFlight);
  })();
  const progress = async (what: string) => {
    const from = sent.accepted.size;
    await waitFor(`${STEP} more events accepted (${what})`, () => sent.wrong.length > 0 || sent.accepted.size >= from + STEP, 60_000);
    assert.deepEqual(sent.wrong, [], "only 2xx or 503 answers");
  };

  try {
    await progress("before any kill");
    const first = await cluster.streamLeader(stream);
    phase = `leader ${cluster.nodes[first]!.name} killed`;
    await cluster.kill(first);
    await progress("a new leader was elected");
    phase = `${cluster.nodes[first]!.name} restarting`;
    await cluster.restart(first);
    await progress("the first node is back");

    // Another server: the leader elected after the first kill (never the one just restarted, if it is not leading).
    const second = await cluster.streamLeader(stream);
    const victim = second !== first ? second : (first + 1) % cluster.nodes.length;
    phase = `${cluster.nodes[victim]!.name} killed`;
    await cluster.kill(victim);
    await progress("the second kill was survived");
    phase = `${cluster.nodes[victim]!.name} restarting`;
    await cluster.restart(victim);
    phase = "whole again";
    await progress("the cluster is whole again");
  } finally {
    stopping = true;
    await sender;
    await pool.close();
  }

  assert.deepEqual(sent.wrong, [], "only 2xx or 503 answers");
  assert.deepEqual(sent.unavailable.filter((u) => u.phase === "steady"), [], "no 503 before the first kill");
  // Every accepted event reaches the target; the at-least-once redeliveries carry the key they had the first time.
  const effects = () => sink.received.filter((r) => r.path === "/effect");
  const delivered = () => new Set(effects().map((r) => (r.json as { id: string }).id));
  await waitFor(
    "every accepted event at the target",
    () => [...sent.accepted].every((id) => delivered().has(id)),
    60_000,
  ).catch((e: Error) => {
    const missing = [...sent.accepted].filter((id) => !delivered().has(id));
    throw new Error(`${e.message}: ${missing.length} lost, e.g. ${missing.slice(0, 5).join(", ")}\nsensor:\n${sensor.output().slice(-3000)}`);
  });
  const keysById = new Map<string, Set<string>>();
  const idsByKey = new Map<string, Set<string>>();
  for (const r of effects()) {
    const id = (r.json as { id: string }).id;
    const key = String(r.headers["idempotency-key"]);
    keysById.set(id, (keysById.get(id) ?? new Set()).add(key));
    idsByKey.set(key, (idsByKey.get(key) ?? new Set()).add(id));
  }
  // An idempotent target applies each key once: one key per event and one event per key means one effect per event.
  assert.deepEqual([...keysById].filter(([, keys]) => keys.size !== 1).map(([id]) => id), [], "each event has one Idempotency-Key");
  assert.deepEqual([...idsByKey].filter(([, ids]) => ids.size !== 1).map(([key]) => key), [], "each key belongs to one event");
  const rawDuplicates = effects().length - keysById.size;

  // The runtimes rode through both kills: same processes, healthy again.
  assert.equal(es.proc.exitCode, null, "the EventSource process is still running");
  assert.equal(sensor.proc.exitCode, null, "the Sensor process is still running");
  // Reported, not asserted (timings vary with the machine): how long each kill made the webhook answer 503.
  const windows = [...new Set(sent.unavailable.map((u) => u.phase))].map((p) => {
    const us = sent.unavailable.filter((u) => u.phase === p);
    return `${p}: ${new Set(us.map((u) => u.id)).size} events, ${Math.max(...us.map((u) => u.at)) - Math.min(...us.map((u) => u.at))} ms`;
  });
  console.log(
    `cluster: accepted=${sent.accepted.size} lost=0 answers_503=${sent.unavailable.length} (${windows.join("; ") || "none"}) ` +
      `effects=${keysById.size} dup_raw=${rawDuplicates} dup_effects=0`,
  );
});
