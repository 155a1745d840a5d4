// Stopping a subscription must never hang, even right after subscribing (before its iterator is attached).
import assert from "node:assert/strict";
import { after, before, it } from "node:test";
import { JetStreamBus, type NatsServer } from "@impulse/bus";
import { startNats } from "../../kit/nats.js";
import { testLogger } from "../../kit/log.js";
import { event } from "./contract.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
before(async () => {
  nats = await startNats();
});
after(async () => nats.stop());

it("stops a subscription immediately after subscribe, and the durable still holds what came next", async () => {
  const bus = await JetStreamBus.connect({ namespace: "stop", busName: "default", url: nats.url, logger: testLogger() });
  const spec = { durable: "quick", events: [{ eventSourceName: "es", eventName: "e" }] };
  for (let i = 0; i < 5; i++) {
    const sub = await bus.subscribe(spec, async () => {});
    await sub.stop();
  }
  const e = event("es", "e", { after: "stops" });
  await bus.publish(e);
  const got: string[] = [];
  const sub = await bus.subscribe(spec, async (d) => void got.push(d.event.id));
  await waitFor("event after quick stops", () => got.length === 1);
  assert.deepEqual(got, [e.id]);
  await sub.stop();
  await bus.close();
});
