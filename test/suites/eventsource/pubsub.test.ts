// The pubSub EventSource against Google's Pub/Sub fake (pstest, tools/pubsub): the source contract (ack only after the
// bus stored, redelivery after a crash stored once), Argo's data shape and subscription handling, and the example.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import { tapBus } from "../../kit/bus-tap.js";
import type { CliProcess } from "../../kit/cli.js";
import { startNats } from "../../kit/nats.js";
import { PUBSUB_PROJECT, startPubSub, type PubSubFake } from "../../kit/pubsub.js";
import { eventSource } from "../../kit/resources.js";
import { runExample } from "../../kit/run-example.js";
import { startEventSource } from "../../kit/runtimes.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { sourceContract } from "../../kit/source-contract.js";
import { waitFor } from "../../kit/wait.js";

sourceContract({
  type: "pubSub",
  guarantee: "at-least-once",
  // A message the killed process held comes back once its ack deadline (extended by the client's lease) has passed.
  restartTimeoutMs: 120_000,
  async start() {
    const ps = await startPubSub();
    return {
      eventConfig: (topic) => ({ projectID: PUBSUB_PROJECT, topic, subscriptionID: `${topic}-sub`, jsonBody: true }),
      // Pub/Sub keeps order only by ordering key (the contract checks order around a poison message).
      prepare: (topic) => ps.createSubscription(topic, `${topic}-sub`, true),
      publish: async (topic, payloads) => void (await ps.publish(topic, payloads, { orderingKey: "contract" })),
      expectData: (d) => {
        assert.match(String(d["id"]), /^\w+$/, "the Pub/Sub message id (pstest numbers them m1, m2...)");
        assert.match(String(d["publishTime"]), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? \+0000 UTC$/);
        assert.deepEqual(d["attributes"], {});
        return d["body"];
      },
      acknowledged: (topic) => ps.acked(topic),
      down: () => ps.pause(),
      up: () => ps.start(),
      stop: () => ps.stop(),
    };
  },
});

describe("pubSub EventSource", () => {
  let ps: PubSubFake;
  let bus: NatsServer;
  let sink: Sink;
  const running: { stop(): Promise<void> }[] = [];
  const procs: CliProcess[] = [];
  before(async () => {
    [ps, bus, sink] = await Promise.all([startPubSub(), startNats(), startSink()]);
  });
  after(async () => {
    for (const p of procs) await p.stop();
    for (const r of running.reverse()) await r.stop();
    await sink?.close();
    await ps?.stop();
    await bus?.stop();
  });

  it("creates the topic and subscription, gives Argo's data with the message id in the event id, and deletes the subscription on finish", async () => {
    const t = await tapBus(bus.url, "shape", "ps", "in");
    const raw = await tapBus(bus.url, "shape", "ps", "raw");
    running.push(t, raw);
    const resource = eventSource("ps", {
      pubSub: {
        in: { projectID: PUBSUB_PROJECT, topic: "shape", subscriptionID: "shape-sub", jsonBody: true, metadata: { team: "x" }, deleteSubscriptionOnFinish: true },
        // No subscriptionID: Argo's default, <eventName>-<hash>, created on the topic.
        raw: { projectID: PUBSUB_PROJECT, topic: "raw" },
      },
    });
    const s = await startEventSource(bus.url, "shape", resource);
    await waitFor("reading", () => s.running.health().healthy, 30_000);
    const [subs] = await ps.client.getSubscriptions();
    assert.ok(subs.some((x) => x.name.endsWith("/subscriptions/shape-sub")), "the named subscription was created");
    assert.ok(subs.some((x) => /\/subscriptions\/raw-[0-9a-f]{16}$/.test(x.name)), "a default subscription id");
    const [id] = await ps.publish("shape", ['{"order":7}'], { attributes: { kind: "order" } });
    await ps.publish("raw", ["plain text"]);
    await waitFor("both events", () => t.events.length === 1 && raw.events.length === 1, 30_000);
    const e = t.events[0]!;
    const d = e.data as Record<string, unknown>;
    assert.equal(d["id"], id);
    assert.deepEqual(d["body"], { order: 7 });
    assert.deepEqual(d["attributes"], { kind: "order" });
    assert.deepEqual(d["metadata"], { team: "x" });
    assert.equal(e.id, `ps:in:projects/${PUBSUB_PROJECT}/subscriptions/shape-sub:${id}`);
    assert.equal((raw.events[0]!.data as { body: string }).body, Buffer.from("plain text").toString("base64"));
    await waitFor("acknowledged", async () => (await ps.acked("shape")) === 1);
    await s.stop();
    const [left] = await ps.client.getSubscriptions();
    assert.ok(!left.some((x) => x.name.endsWith("/subscriptions/shape-sub")), "deleteSubscriptionOnFinish deleted it");
    assert.ok(left.some((x) => /\/subscriptions\/raw-/.test(x.name)), "the other subscription stays");
  });

  it("refuses to read a subscription of another topic and says so on /health", async () => {
    await ps.createSubscription("other", "taken-sub");
    const s = await startEventSource(bus.url, "wrong", eventSource("ps", { pubSub: { in: { projectID: PUBSUB_PROJECT, topic: "mine", subscriptionID: "taken-sub" } } }));
    running.push(s);
    await waitFor("reported", () => /belongs to projects\/impulse-test\/topics\/other/.test(JSON.stringify(s.running.health().components)), 30_000);
    assert.equal(s.running.health().healthy, false);
  });

  it("runs the example (manifests/examples/pubsub) end to end", async () => {
    await ps.createSubscription("orders", "impulse-orders");
    // The example's Secret as the CLI reads it (IMPULSE_SECRET_<NAME>_<KEY>); the fake does not check credentials.
    process.env["IMPULSE_SECRET_GCP_PUBSUB_KEY_JSON"] = JSON.stringify({ type: "service_account", project_id: PUBSUB_PROJECT });
    await runExample("pubsub", { sensor: [["http://localhost:8090", sink.url]], eventsource: [["my-gcp-project", PUBSUB_PROJECT]] }, { natsUrl: bus.url, namespace: "ps-example", procs });
    const [id] = await ps.publish("orders", ['{"id":"o-1","total":12.5}']);
    await waitFor("the order posted", () => sink.received.some((r) => r.path === "/orders"), 30_000);
    assert.deepEqual(sink.received.find((r) => r.path === "/orders")!.json, { id: "o-1", messageID: id });
  });
});
