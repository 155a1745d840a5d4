// Argo #4183: a consumer that disappears while the connection stays up must come back, not go silent.
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { consumerName, JetStreamBus, streamName, type Delivery, type NatsServer } from "@impulse/bus";
import { jetstreamManager } from "@nats-io/jetstream";
import { connect } from "@nats-io/transport-node";
import { startNats } from "../../kit/nats.js";
import { testLogger } from "../../kit/log.js";
import { waitFor } from "../../kit/wait.js";
import { event } from "./contract.js";

let nats: NatsServer;
before(async () => {
  nats = await startNats();
});
after(async () => nats.stop());

it("re-creates a durable deleted behind its back where it left off, skipping nothing", async () => {
  const scope = { namespace: "loss", busName: "default" };
  const bus = await JetStreamBus.connect({ ...scope, url: nats.url, logger: testLogger() });
  const got: Delivery[] = [];
  const sub = await bus.subscribe({ durable: "victim", events: [{ eventSourceName: "es", eventName: "e" }] }, async (d) => void got.push(d));
  const first = event("es", "e", { n: 1 });
  await bus.publish(first);
  await waitFor("first delivery", () => got.length === 1);

  // Someone (an operator, a bus migration) deletes the consumer while the connection stays up.
  const nc = await connect({ servers: nats.url });
  const jsm = await jetstreamManager(nc);
  assert.equal(await jsm.consumers.delete(streamName(scope), consumerName(scope, "victim")), true);
  // Published while no consumer exists: a re-created "deliver new" consumer would skip it.
  const meanwhile = event("es", "e", { n: "meanwhile" });
  await bus.publish(meanwhile);
  await waitFor("consumer re-created", async () => {
    try {
      await jsm.consumers.info(streamName(scope), consumerName(scope, "victim"));
      return true;
    } catch {
      return false;
    }
  }, 30_000);
  const second = event("es", "e", { n: 2 });
  await bus.publish(second);
  await waitFor("delivery after the consumer came back", () => got.some((d) => d.event.id === second.id), 30_000);
  assert.deepEqual(got.map((d) => d.event.id), [first.id, meanwhile.id, second.id], "nothing skipped, nothing repeated");
  assert.equal(sub.status().active, true);
  await nc.close();
  await sub.stop();
  await bus.close();
});
