// The EventBus contract: every bus driver must pass these, run against a real server.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { newEventId, type ImpulseEvent } from "@impulse/api";
import type { Delivery, EventBus } from "@impulse/bus";
import { waitFor } from "../../kit/wait.js";

export type BusFactory = (scope: { namespace: string; busName: string }) => Promise<EventBus>;

export function event(source: string, subject: string, data: unknown, id = newEventId()): ImpulseEvent {
  return { specversion: "1.0", id, source, subject, type: "test", time: new Date().toISOString(), datacontenttype: "application/json", data };
}

function collector() {
  const got: Delivery[] = [];
  return { got, handler: async (d: Delivery) => void got.push(d) };
}

export function eventBusContract(driver: string, makeBus: BusFactory): void {
  describe(`EventBus contract: ${driver}`, () => {
    let bus: EventBus;
    let n = 0;
    const uniq = (p: string) => `${p}-${++n}`;
    before(async () => {
      bus = await makeBus({ namespace: "contract", busName: "default" });
    });
    after(async () => bus.close());

    it("delivers a published event with its id and data intact", async () => {
      const es = uniq("es");
      const c = collector();
      const sub = await bus.subscribe({ durable: uniq("d"), events: [{ eventSourceName: es, eventName: "e" }] }, c.handler);
      const sent = event(es, "e", { hello: "world", n: 1 });
      await bus.publish(sent);
      await waitFor("delivery", () => c.got.length === 1);
      assert.deepEqual(c.got[0]!.event, sent);
      assert.equal(c.got[0]!.deliveryCount, 1);
      await sub.stop();
    });

    it("stores an event id once: a repeated publish is deduplicated", async () => {
      const es = uniq("es");
      const c = collector();
      const sub = await bus.subscribe({ durable: uniq("d"), events: [{ eventSourceName: es, eventName: "e" }] }, c.handler);
      const dup = event(es, "e", { v: 1 });
      assert.equal((await bus.publish(dup)).duplicate, false);
      assert.equal((await bus.publish(dup)).duplicate, true, "the second publish says nothing new was stored");
      const marker = event(es, "e", { marker: true });
      await bus.publish(marker);
      await waitFor("marker", () => c.got.some((d) => d.event.id === marker.id));
      assert.equal(c.got.filter((d) => d.event.id === dup.id).length, 1);
      await sub.stop();
    });

    it("dedups on the CloudEvents identity where it is stored: the same id from another sender or under another event is stored", async () => {
      const es = uniq("es");
      const c = collector();
      const sub = await bus.subscribe({ durable: uniq("d"), events: ["e", "f"].map((eventName) => ({ eventSourceName: es, eventName })) }, c.handler);
      const id = "42";
      assert.equal((await bus.publish({ ...event(es, "e", 1, id), cesource: "a" })).duplicate, false);
      assert.equal((await bus.publish({ ...event(es, "e", 2, id), cesource: "b" })).duplicate, false, "another sender");
      assert.equal((await bus.publish({ ...event(es, "f", 3, id), cesource: "a" })).duplicate, false, "another event");
      assert.equal((await bus.publish({ ...event(es, "e", 4, id), cesource: "a" })).duplicate, true, "a resend");
      await waitFor("three events", () => c.got.length === 3);
      assert.deepEqual(c.got.map((d) => d.event.data).sort(), [1, 2, 3]);
      await sub.stop();
    });

    it("only delivers the selected events, including names with dots and spaces", async () => {
      const es = uniq("es.with dots");
      const c = collector();
      const sub = await bus.subscribe(
        { durable: uniq("d"), events: [{ eventSourceName: es, eventName: "a.b c" }, { eventSourceName: es, eventName: "x" }] },
        c.handler,
      );
      await bus.publish(event(es, "other", {}));
      await bus.publish(event(es, "a", {}));
      const wanted = [event(es, "a.b c", { i: 1 }), event(es, "x", { i: 2 })];
      for (const e of wanted) await bus.publish(e);
      await waitFor("both", () => c.got.length >= 2);
      const marker = event(es, "x", { marker: true });
      await bus.publish(marker);
      await waitFor("marker", () => c.got.some((d) => d.event.id === marker.id));
      assert.deepEqual(c.got.map((d) => d.event.id), [...wanted, marker].map((e) => e.id));
      await sub.stop();
    });

    it("redelivers when the handler throws, with a growing delivery count", async () => {
      const es = uniq("es");
      const counts: number[] = [];
      const sub = await bus.subscribe({ durable: uniq("d"), events: [{ eventSourceName: es, eventName: "e" }] }, async (d) => {
        counts.push(d.deliveryCount);
        if (d.deliveryCount < 3) throw new Error("not yet");
      });
      await bus.publish(event(es, "e", {}));
      await waitFor("third delivery", () => counts.length === 3, 20_000);
      assert.deepEqual(counts, [1, 2, 3]);
      await sub.stop();
    });

    it("keeps a durable's position: events published while it was stopped arrive after it resumes", async () => {
      const es = uniq("es");
      const durable = uniq("d");
      const spec = { durable, events: [{ eventSourceName: es, eventName: "e" }] };
      const first = collector();
      let sub = await bus.subscribe(spec, first.handler);
      const before = event(es, "e", { phase: "before" });
      await bus.publish(before);
      await waitFor("first", () => first.got.length === 1);
      await sub.stop();
      const during = [event(es, "e", { phase: "during", i: 0 }), event(es, "e", { phase: "during", i: 1 })];
      for (const e of during) await bus.publish(e);
      const second = collector();
      sub = await bus.subscribe(spec, second.handler);
      await waitFor("resumed deliveries", () => second.got.length === 2);
      assert.deepEqual(second.got.map((d) => d.event.id), during.map((e) => e.id));
      await sub.stop();
    });

    it("isolates tenants: another namespace on the same server sees none of these events", async () => {
      const other = await makeBus({ namespace: "contract-other", busName: "default" });
      try {
        const es = uniq("es");
        const mine = collector();
        const theirs = collector();
        const s1 = await bus.subscribe({ durable: "same-name", events: [{ eventSourceName: es, eventName: "e" }] }, mine.handler);
        const s2 = await other.subscribe({ durable: "same-name", events: [{ eventSourceName: es, eventName: "e" }] }, theirs.handler);
        const e1 = event(es, "e", { tenant: 1 });
        const e2 = event(es, "e", { tenant: 2 });
        await bus.publish(e1);
        await other.publish(e2);
        await waitFor("both tenants", () => mine.got.length >= 1 && theirs.got.length >= 1);
        assert.deepEqual(mine.got.map((d) => d.event.id), [e1.id]);
        assert.deepEqual(theirs.got.map((d) => d.event.id), [e2.id]);
        await Promise.all([s1.stop(), s2.stop()]);
      } finally {
        await other.close();
      }
    });

    it("offers a key-value store with compare-and-set", async () => {
      const kv = await bus.kv(uniq("bucket"));
      const enc = (s: string) => new TextEncoder().encode(s);
      assert.equal(await kv.get("k"), undefined);
      assert.equal(await kv.update("k", enc("a"), 0), true);
      assert.equal(await kv.update("k", enc("b"), 0), false, "create must fail when the key exists");
      const a = await kv.get("k");
      assert.equal(new TextDecoder().decode(a!.value), "a");
      assert.equal(await kv.update("k", enc("c"), a!.revision), true);
      assert.equal(await kv.update("k", enc("d"), a!.revision), false, "stale revision must fail");
      await kv.put("other", enc("x"));
      assert.deepEqual((await kv.keys()).sort(), ["k", "other"]);
      await kv.delete("k");
      assert.equal(await kv.get("k"), undefined);
      kv.putUnacknowledged("hint", enc("h"));
      await waitFor("unacknowledged put stored", async () => (await kv.get("hint")) !== undefined);
    });
  });
}
