// Runs the EventBus contract against a real nats-server, plus the JetStream driver's outage behaviour.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { ErrorCodes, isImpulseError } from "@impulse/api";
import { JetStreamBus, type Delivery, type NatsServer } from "@impulse/bus";
import { startNats } from "../../kit/nats.js";
import { testLogger } from "../../kit/log.js";
import { waitFor } from "../../kit/wait.js";
import { event, eventBusContract } from "./contract.js";

let nats: NatsServer;
before(async () => {
  nats = await startNats();
});
after(async () => nats.stop());

eventBusContract("jetstream", (scope) => JetStreamBus.connect({ ...scope, url: nats.url, logger: testLogger() }));

describe("JetStream driver during a server outage", () => {
  it("rejects publishes while the server is down, then delivers everything stored once it is back", async () => {
    const bus = await JetStreamBus.connect({ namespace: "outage", busName: "default", url: nats.url, logger: testLogger() });
    const got: Delivery[] = [];
    const sub = await bus.subscribe({ durable: "outage", events: [{ eventSourceName: "es", eventName: "e" }] }, async (d) => void got.push(d));
    const before = event("es", "e", { phase: "before" });
    await bus.publish(before);
    await waitFor("first delivery", () => got.length === 1);

    await nats.stop();
    await waitFor("disconnect noticed", () => !bus.connected());
    await assert.rejects(bus.publish(event("es", "e", { phase: "down" })), (e) => isImpulseError(e) && e.code === ErrorCodes.BusUnavailable);

    await nats.restart();
    await waitFor("reconnect", () => bus.connected(), 20_000);
    const afterEv = event("es", "e", { phase: "after" });
    await bus.publish(afterEv);
    await waitFor("delivery after restart", () => got.some((d) => d.event.id === afterEv.id), 30_000);
    assert.deepEqual(got.map((d) => d.event.id), [before.id, afterEv.id]);
    await sub.stop();
    await bus.close();
  });
});
