// The azureQueueStorage EventSource against Azurite (Microsoft's emulator): the source contract (delete only after the bus
// stored, redelivery after a crash stored once), Argo's data shape, decodeMessage, dlq, and the example end to end.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import { AZURITE_ACCOUNT, startAzuriteQueue, type AzuriteQueue } from "../../kit/azurite.js";
import { tapBus, type Tap } from "../../kit/bus-tap.js";
import type { CliProcess } from "../../kit/cli.js";
import { runExample } from "../../kit/run-example.js";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { metricValue, startEventSource } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { sourceContract } from "../../kit/source-contract.js";
import { waitFor } from "../../kit/wait.js";

const SECRET = { name: "azure", key: "conn" };

/** Messages left on the queue (visible or hidden), per Azurite's queue properties. */
async function remaining(az: AzuriteQueue, queue: string): Promise<number> {
  return (await az.service().getQueueClient(queue).getProperties()).approximateMessagesCount ?? 0;
}

async function send(az: AzuriteQueue, queue: string, texts: string[]): Promise<void> {
  const q = az.service().getQueueClient(queue);
  await q.createIfNotExists();
  for (const t of texts) await q.sendMessage(t);
}

sourceContract({
  type: "azureQueueStorage",
  guarantee: "at-least-once",
  // A message the killed process received stays hidden for the 30 s visibility timeout before it is read again.
  restartTimeoutMs: 120_000,
  async start() {
    const az = await startAzuriteQueue();
    const sent = new Map<string, number>();
    return {
      secrets: { [`${SECRET.name}/${SECRET.key}`]: az.connectionString },
      eventConfig: (queue) => ({ connectionString: SECRET, queueName: queue, jsonBody: true, waitTimeInSeconds: 1 }),
      prepare: async (queue) => {
        await az.service().getQueueClient(queue).createIfNotExists();
      },
      publish: async (queue, payloads) => {
        await send(az, queue, payloads);
        sent.set(queue, (sent.get(queue) ?? 0) + payloads.length);
      },
      expectData: (d) => {
        assert.match(String(d["messageID"]), /^[0-9a-f-]{36}$/);
        assert.ok(!Number.isNaN(Date.parse(String(d["insertionTime"]))), "insertionTime is a time");
        return d["body"];
      },
      // Deleted messages: what was sent minus what is still on the queue (hidden ones included).
      acknowledged: async (queue) => (sent.get(queue) ?? 0) - (await remaining(az, queue)),
      down: () => az.pause(),
      up: () => az.start(),
      stop: () => az.stop(),
    };
  },
});

describe("azureQueueStorage EventSource", () => {
  let az: AzuriteQueue;
  let bus: NatsServer;
  let sink: Sink;
  const running: { stop(): Promise<void> }[] = [];
  const procs: CliProcess[] = [];
  before(async () => {
    [az, bus, sink] = await Promise.all([startAzuriteQueue(), startNats(), startSink()]);
  });
  after(async () => {
    for (const p of procs) await p.stop();
    for (const r of running.reverse()) await r.stop();
    await sink.close();
    await az.stop();
    await bus.stop();
  });
  async function tap(ns: string): Promise<Tap> {
    const t = await tapBus(bus.url, ns, "aq", "in");
    running.push(t);
    return t;
  }
  async function es(ns: string, config: Record<string, unknown>) {
    const s = await startEventSource(bus.url, ns, eventSource("aq", { azureQueueStorage: { in: { connectionString: SECRET, waitTimeInSeconds: 1, ...config } } }), {
      secrets: async () => az.connectionString,
    });
    running.push(s);
    await waitFor("reading", () => s.running.health().healthy, 30_000);
    return s;
  }

  it("gives Argo's data (body, messageID, insertionTime, metadata) with an id from the message id", async () => {
    await send(az, "shape", []);
    const t = await tap("shape");
    await es("shape", { queueName: "shape", jsonBody: true, metadata: { team: "x" } });
    const q = az.service().getQueueClient("shape");
    const sent = await q.sendMessage('{"order":7}');
    await waitFor("the event", () => t.events.length === 1);
    const e = t.events[0]!;
    assert.deepEqual(e.data, { body: { order: 7 }, messageID: sent.messageId, insertionTime: sent.insertedOn.toISOString().replace(/\.000Z$/, "Z"), metadata: { team: "x" } });
    assert.equal(e.id, `aq:in:${AZURITE_ACCOUNT}/shape:${sent.messageId}`);
    await waitFor("deleted", async () => (await remaining(az, "shape")) === 0);
  });

  it("without jsonBody gives base64 bodies; decodeMessage decodes base64 messages first", async () => {
    await send(az, "raw", []);
    await send(az, "b64", []);
    const raw = await tap("raw");
    const b64 = await tap("b64");
    await es("raw", { queueName: "raw" });
    await es("b64", { queueName: "b64", decodeMessage: true, jsonBody: true });
    await send(az, "raw", ["plain text"]);
    await send(az, "b64", [Buffer.from('{"a":1}').toString("base64")]);
    await waitFor("both events", () => raw.events.length === 1 && b64.events.length === 1);
    assert.equal((raw.events[0]!.data as { body: string }).body, Buffer.from("plain text").toString("base64"));
    assert.deepEqual((b64.events[0]!.data as { body: unknown }).body, { a: 1 });
  });

  it("with dlq leaves a poison message on the queue (its dequeueCount grows) and goes on", async () => {
    await send(az, "dlq", []);
    const t = await tap("dlq");
    const s = await es("dlq", { queueName: "dlq", jsonBody: true, dlq: true });
    await send(az, "dlq", ["not json {", '{"ok":true}']);
    await waitFor("the good message", () => t.events.length === 1);
    await waitFor("poison counted", async () => (await metricValue(s.registry, "impulse_eventsource_events_failed_total", { reason: "poison" })) >= 1);
    await waitFor("only the poison message left", async () => (await remaining(az, "dlq")) === 1);
    // After its visibility timeout it is read again: its dequeueCount grows and it is counted again, never stored.
    const q = az.service().getQueueClient("dlq");
    await waitFor("the poison message read a second time", async () => ((await q.peekMessages()).peekedMessageItems[0]?.dequeueCount ?? 0) >= 2, 90_000);
    await waitFor("counted again", async () => (await metricValue(s.registry, "impulse_eventsource_events_failed_total", { reason: "poison" })) >= 2);
    assert.equal(t.events.length, 1, "the poison message never became an event");
  });

  it("runs the example (manifests/examples/azure-queue-storage) end to end", async () => {
    await send(az, "orders", []);
    // The example's Secret as the CLI reads it locally (IMPULSE_SECRET_<NAME>_<KEY>); the spawned processes inherit it.
    process.env["IMPULSE_SECRET_AZURE_STORAGE_CONNECTIONSTRING"] = az.connectionString;
    await runExample("azure-queue-storage", { sensor: [["http://localhost:8090", sink.url]] }, { natsUrl: bus.url, namespace: "aq-example", procs });
    const q = az.service().getQueueClient("orders");
    const sent = await q.sendMessage('{"id":"o-1","total":12.5}');
    await waitFor("the order posted", () => sink.received.some((r) => r.path === "/orders"), 30_000);
    assert.deepEqual(sink.received.find((r) => r.path === "/orders")!.json, { id: "o-1", messageID: sent.messageId });
    await waitFor("deleted", async () => (await remaining(az, "orders")) === 0);
  });
});
