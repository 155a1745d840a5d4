// The calendar EventSource as a real process against nats-server: Argo's data, catch-up from the bus KV after SIGKILL, no duplicates.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { BusEvent, EventBus, NatsServer } from "@impulse/bus";
import { request } from "undici";
import { tapBus, type Tap } from "../../kit/bus-tap.js";
import { startRuntime, type CliProcess } from "../../kit/cli.js";
import { startNats } from "../../kit/nats.js";
import { connectBus } from "../../kit/runtimes.js";
import { sleep, waitFor } from "../../kit/wait.js";

let nats: NatsServer;
const procs: CliProcess[] = [];
const closers: { stop(): Promise<void> }[] = [];
const dir = mkdtempSync(join(tmpdir(), "impulse-calendar-"));

before(async () => {
  nats = await startNats();
});
after(async () => {
  for (const p of procs) await p.stop();
  for (const c of closers) await c.stop();
  await nats.stop();
});

const NS = "calendar";
const spec = (name: string, events: Record<string, unknown>) =>
  JSON.stringify({ apiVersion: "impulse.dev/v1alpha1", kind: "EventSource", metadata: { name }, spec: { calendar: events } });

async function start(file: string): Promise<CliProcess & { metricsPort: number }> {
  return startRuntime("eventsource", file, ["--nats-url", nats.url, "--namespace", NS, "--log-level", "warn"], procs);
}

/** After a kill: waits until the tap has every event the bus stored (none arriving for a while). */
async function settled(tap: Tap): Promise<void> {
  await waitFor("the tap to catch up with the bus", async () => {
    const n = tap.events.length;
    await sleep(700);
    return tap.events.length === n;
  });
}

const times = (events: BusEvent[]) => events.map((e) => Date.parse(String(e.time)));

/** Scheduled times every `stepMs` from the first to the last, with none missing and none twice. */
function assertContiguous(events: BusEvent[], stepMs: number): void {
  const t = times(events);
  for (let i = 1; i < t.length; i++) assert.equal(t[i]! - t[i - 1]!, stepMs, `firing ${i} follows ${new Date(t[i - 1]!).toISOString()} by one step`);
  assert.equal(new Set(events.map((e) => e.id)).size, events.length, "each firing stored once");
}

describe("calendar EventSource", () => {
  it("publishes Argo's data (eventTime, metadata) with an id made from the scheduled time", async () => {
    const file = join(dir, "shape.json");
    writeFileSync(file, spec("clock", { tick: { interval: "1s", timezone: "Asia/Kolkata", metadata: { hello: "world" } } }));
    const tap = await tapBus(nats.url, NS, "clock", "tick");
    closers.push(tap);
    const p = await start(file);
    const [e] = await waitFor("a firing", () => tap.events.length > 0 && tap.events);
    await p.stop();
    assert.equal(e!.type, "calendar");
    assert.equal(e!.source, "clock");
    assert.equal(e!.subject, "tick");
    assert.equal(e!.id, `clock:tick:${e!.time}`);
    const data = e!.data as { eventTime: string; metadata: unknown };
    assert.deepEqual(data.metadata, { hello: "world" });
    assert.match(data.eventTime, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d \+0530 \+0530$/, "Go's time.String() in the zone");
  });

  it("after SIGKILL, a restart catches up the firings missed while down from the KV store, and a lost KV write stores nothing twice", async () => {
    const file = join(dir, "catchup.json");
    writeFileSync(file, spec("beat", { pulse: { interval: "1s", persistence: { catchup: { enabled: true, maxDuration: "1h" } } } }));
    const tap: Tap = await tapBus(nats.url, NS, "beat", "pulse");
    closers.push(tap);

    const first = await start(file);
    await waitFor("three firings", () => tap.events.length >= 3);
    await first.stop("SIGKILL");
    await settled(tap);
    const before = tap.events.length;
    const lastBefore = times(tap.events).at(-1)!;
    // Stay down for several firings.
    await waitFor("several firings' worth of downtime", () => Date.now() > lastBefore + 4000, 20_000);

    // As if the process had died between the bus's PubAck and the KV write, twice: the KV remembers an older firing.
    const bus: EventBus = await connectBus(nats.url, NS);
    const kv = await bus.kv("eventsource-beat-calendar-pulse");
    const stale = new Date(lastBefore - 2000).toISOString();
    await kv.put("last", new TextEncoder().encode(JSON.stringify({ last: stale })));
    await bus.close();

    const second = await start(file);
    await waitFor("firings after the restart", () => times(tap.events).at(-1)! > Date.now() - 1000 && tap.events.length > before + 5, 30_000);
    const all = tap.events;
    const metrics = await (await request(`http://127.0.0.1:${second.metricsPort}/metrics`)).body.text();
    assert.match(metrics, /impulse_eventsource_events_duplicate_total\{[^}]*\} 2$/m, "the two firings published again were already on the bus");
    // The two re-published firings were dropped by the bus (same ids), the missed ones caught up, then on schedule.
    assertContiguous(all, 1000);
    assert.ok(times(all).some((t) => t > lastBefore && t < lastBefore + 4000), "firings from the downtime are there");
  });

  it("without persistence, a restart starts from now (as Argo): nothing from the downtime", async () => {
    const file = join(dir, "plain.json");
    writeFileSync(file, spec("plain", { pulse: { interval: "1s" } }));
    const tap = await tapBus(nats.url, NS, "plain", "pulse");
    closers.push(tap);
    const first = await start(file);
    await waitFor("a firing", () => tap.events.length >= 1);
    await first.stop("SIGKILL");
    await settled(tap);
    const lastBefore = times(tap.events).at(-1)!;
    await waitFor("downtime", () => Date.now() > lastBefore + 3000, 20_000);
    const restartedAt = Date.now();
    await start(file);
    await waitFor("a firing after the restart", () => times(tap.events).at(-1)! > lastBefore + 3000);
    const resumed = times(tap.events).filter((t) => t > lastBefore);
    assert.ok(resumed.every((t) => t >= Math.floor(restartedAt / 1000) * 1000), "no firing from before the restart");
  });
});
