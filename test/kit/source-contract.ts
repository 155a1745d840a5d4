// The queue-like EventSource contract: every broker source runs these checks against its real server through a small adapter.
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { freePort, type BusEvent, type NatsServer } from "@impulse/bus";
import { tapBus, type Tap } from "./bus-tap.js";
import { spawnCli, waitHealthy, type CliProcess } from "./cli.js";
import { startNats } from "./nats.js";
import { eventSource } from "./resources.js";
import { metricValue, startEventSource, type Started } from "./runtimes.js";
import type { RunningEventSource } from "@impulse/eventsource";
import { waitFor } from "./wait.js";

/** The checks of the contract, by name: an adapter skips one only with the reason it cannot apply. */
export type ContractCheck = "delivery" | "sigkill" | "busOutage" | "upstreamOutage" | "poison";

/** A running upstream server (broker) as the contract drives it. */
export interface Upstream {
  /** The config of one event (with jsonBody on) reading `channel`: a fresh topic, subject, queue or stream per check. */
  eventConfig(channel: string): Record<string, unknown>;
  /** Creates what must exist before the source reads (a topic, a stream); omit when nothing must. */
  prepare?(channel: string): Promise<void>;
  /** Publishes these payloads (JSON text, or a poison payload) to `channel`, in order. */
  publish(channel: string, payloads: string[]): Promise<void>;
  /**
   * Asserts the source's data shape for one event read from `channel` and returns the message body the source
   * decoded from it (the contract compares it with what it published).
   */
  expectData(data: Record<string, unknown>, channel: string): unknown;
  /**
   * How many messages of `channel` the upstream considers delivered (committed offsets, acked entries), where the
   * upstream exposes it: the contract checks it does not move while the bus is down and catches up afterwards.
   */
  acknowledged?(channel: string): Promise<number>;
  /** Takes the upstream down (keeping its data) for the outage check... */
  down(): Promise<void>;
  /** ...and brings it back on the same address. */
  up(): Promise<void>;
  stop(): Promise<void>;
  /** Secret values the event config refers to (e.g. a connection string), by `name/key`: given in-process and as env. */
  secrets?: Record<string, string>;
}

export interface SourceContractAdapter {
  /** The source type: the key under spec: and the CloudEvent type. */
  type: string;
  /**
   * at-least-once: nothing the upstream considered delivered is lost across a SIGKILL, and each message with an
   * upstream identity is stored once. at-most-once (core NATS, Redis pub/sub): what was in flight at a crash may be
   * lost; the contract checks that the source works again after a restart and stores nothing twice.
   */
  guarantee: "at-least-once" | "at-most-once";
  start(): Promise<Upstream>;
  /** A payload the source counts as poison and skips with jsonBody on (default: text that is not JSON). */
  poison?: string;
  /** The events_failed_total reason it is counted under (default "poison"; e.g. "too_large" where every payload decodes). */
  poisonReason?: string;
  /** Checks that cannot apply to this source, each with the reason (shown as the skip message). */
  skip?: Partial<Record<ContractCheck, string>>;
  /** How long a restarted EventSource may take to read again (e.g. a Kafka group waits out the dead member's session). */
  restartTimeoutMs?: number;
}

const seqPayload = (seq: number) => JSON.stringify({ seq });

export function sourceContract(adapter: SourceContractAdapter): void {
  const { type } = adapter;
  const restartTimeoutMs = adapter.restartTimeoutMs ?? 60_000;
  describe(`EventSource contract: ${type} (${adapter.guarantee})`, () => {
    let nats: NatsServer;
    let up: Upstream;
    let n = 0;
    const cleanup: { stop(): Promise<void> }[] = [];
    const procs: CliProcess[] = [];
    before(async () => {
      [nats, up] = await Promise.all([startNats(), adapter.start()]);
    });
    after(async () => {
      for (const p of procs) await p.stop("SIGKILL");
      for (const c of cleanup.reverse()) await c.stop().catch(() => undefined);
      await up?.stop();
      await nats?.stop();
    });

    /** A fresh namespace and channel per check, so checks never see each other's messages. */
    async function scope(check: string) {
      const ns = `${check.toLowerCase()}-${++n}`;
      const channel = `contract-${check.toLowerCase()}-${n}`;
      await up.prepare?.(channel);
      const tap: Tap = await tapBus(nats.url, ns, "src", "in");
      cleanup.push(tap);
      const resource = eventSource("src", { [type]: { in: up.eventConfig(channel) } });
      return { ns, channel, tap, resource };
    }
    async function inProcess(ns: string, resource: ReturnType<typeof eventSource>): Promise<Started & { running: RunningEventSource }> {
      const s = await startEventSource(nats.url, ns, resource, { secrets: async (ref) => secretOf(ref) });
      cleanup.push(s);
      await waitFor(`${type} source healthy`, () => s.running.health().healthy, 60_000);
      return s;
    }
    const secretOf = (ref: { name: string; key: string }): string => {
      const v = up.secrets?.[`${ref.name}/${ref.key}`];
      if (v === undefined) throw new Error(`no secret ${ref.name}/${ref.key} in this adapter`);
      return v;
    };
    /** The secrets as the CLI reads them from its environment (IMPULSE_SECRET_<NAME>_<KEY>, cli/src/secrets.ts). */
    const secretEnv = () =>
      Object.fromEntries(Object.entries(up.secrets ?? {}).map(([k, v]) => [`IMPULSE_SECRET_${k.replace("/", "_")}`.toUpperCase().replace(/[^A-Z0-9_]/g, "_"), v]));
    /** The decoded bodies of the tapped events, checking each event's envelope and data shape on the way. */
    const bodies = (events: BusEvent[], channel: string) =>
      events.map((e) => {
        assert.equal(e.type, type);
        assert.equal(e.source, "src");
        assert.equal(e.subject, "in");
        return up.expectData(e.data as Record<string, unknown>, channel);
      });
    const seqs = (events: BusEvent[], channel: string) => bodies(events, channel).map((b) => (b as { seq: number }).seq);
    const skip = (c: ContractCheck) => (adapter.skip?.[c] ? { skip: adapter.skip[c] } : {});

    it("delivers each message as an event with the source's data shape", skip("delivery"), async () => {
      const { ns, channel, tap, resource } = await scope("delivery");
      const s = await inProcess(ns, resource);
      const N = 20;
      await up.publish(channel, Array.from({ length: N }, (_, i) => seqPayload(i)));
      await waitFor("every message on the bus", () => tap.events.length >= N, 30_000);
      assert.deepEqual(seqs(tap.events, channel).sort((a, b) => a - b), Array.from({ length: N }, (_, i) => i));
      assert.equal(new Set(tap.events.map((e) => e.id)).size, N, "distinct ids");
      assert.equal(await metricValue(s.registry, "impulse_eventsource_events_received_total"), N);
      if (up.acknowledged) await waitFor("every message acknowledged upstream", async () => (await up.acknowledged!(channel)) === N);
    });

    it(
      adapter.guarantee === "at-least-once"
        ? "loses nothing and stores each message once when the EventSource process is SIGKILLed mid-stream and restarted"
        : "reads again after the EventSource process is SIGKILLed and restarted, storing nothing twice",
      skip("sigkill"),
      async (t) => {
        const { ns, channel, tap, resource } = await scope("sigkill");
        const file = join(mkdtempSync(join(tmpdir(), `impulse-contract-${type}-`)), "es.yaml");
        writeFileSync(file, JSON.stringify(resource)); // JSON is YAML
        const startProcess = async () => {
          const metricsPort = await freePort();
          const p = spawnCli(["eventsource", "-f", file, "--nats-url", nats.url, "--namespace", ns, "--metrics-port", String(metricsPort), "--log-level", "warn"], secretEnv());
          procs.push(p);
          await waitHealthy(p, metricsPort, 60_000);
          return p;
        };
        const first = await startProcess();
        // The stream keeps flowing while the process dies: part A runs until the kill, part B while it is dead and after.
        const A = 150;
        const B = 50;
        let killed = false;
        const publishA = (async () => {
          for (let i = 0; i < A; i += 5) {
            await up.publish(channel, [0, 1, 2, 3, 4].map((k) => seqPayload(i + k)));
            if (!killed) await new Promise((r) => setTimeout(r, 20));
          }
        })();
        await waitFor("part of the stream stored", () => tap.events.length >= 20, 30_000);
        await first.stop("SIGKILL");
        killed = true;
        const atKill = tap.events.length;
        await publishA;
        t.diagnostic(`killed with ${atKill} of ${A} stored`);
        if (adapter.guarantee === "at-least-once") {
          await up.publish(channel, Array.from({ length: B }, (_, i) => seqPayload(A + i)));
          await startProcess();
        } else {
          // What was published while no process listened is gone by design; the restarted one reads new messages.
          await startProcess();
          await up.publish(channel, Array.from({ length: B }, (_, i) => seqPayload(A + i)));
        }
        const want = adapter.guarantee === "at-least-once" ? A + B : atKill + B;
        await waitFor("the stream after the restart on the bus", () => tap.events.length >= want && seqs(tap.events, channel).includes(A + B - 1), restartTimeoutMs);
        const got = seqs(tap.events, channel);
        assert.equal(new Set(got).size, got.length, "no message stored twice");
        if (adapter.guarantee === "at-least-once") {
          assert.deepEqual([...got].sort((a, b) => a - b), Array.from({ length: A + B }, (_, i) => i), "every message stored");
          if (up.acknowledged) await waitFor("every message acknowledged upstream", async () => (await up.acknowledged!(channel)) === A + B);
        } else {
          for (let i = A; i < A + B; i++) assert.ok(got.includes(i), `message ${i}, published after the restart, stored`);
        }
      },
    );

    it("holds input while the bus is down (not acknowledged upstream) and stores it once the bus is back", skip("busOutage"), async () => {
      const { ns, channel, tap, resource } = await scope("busOutage");
      const s = await inProcess(ns, resource);
      await up.publish(channel, [seqPayload(0)]);
      await waitFor("first event", () => tap.events.length === 1);
      if (up.acknowledged) await waitFor("first message acknowledged upstream", async () => (await up.acknowledged!(channel)) === 1);
      const M = 10;
      await nats.stop();
      try {
        await up.publish(channel, Array.from({ length: M }, (_, i) => seqPayload(1 + i)));
        await waitFor(
          "the source retrying against the down bus",
          async () => (await metricValue(s.registry, "impulse_eventsource_events_failed_total", { reason: "bus_unavailable" })) >= 1,
          30_000,
        );
        if (up.acknowledged) assert.equal(await up.acknowledged(channel), 1, "nothing acknowledged upstream while the bus is down");
      } finally {
        await nats.restart();
      }
      await waitFor("the held messages stored after the bus came back", () => tap.events.length >= 1 + M, 60_000);
      assert.deepEqual(seqs(tap.events, channel).sort((a, b) => a - b), Array.from({ length: 1 + M }, (_, i) => i));
      if (up.acknowledged) await waitFor("all acknowledged upstream", async () => (await up.acknowledged!(channel)) === 1 + M, 30_000);
    });

    it("shows an upstream outage on /health and in metrics, and recovers", skip("upstreamOutage"), async () => {
      const { ns, channel, tap, resource } = await scope("upstreamOutage");
      const s = await inProcess(ns, resource);
      assert.equal(await metricValue(s.registry, "impulse_eventsource_upstream_connected"), 1);
      await up.publish(channel, [seqPayload(0)]);
      await waitFor("first event", () => tap.events.length === 1);
      await up.down();
      try {
        await waitFor("unhealthy while the upstream is down", () => !s.running.health().healthy, 60_000);
        assert.ok(Object.keys(s.running.health().components).includes(`${type}/in`), "the failing component is named");
        assert.equal(await metricValue(s.registry, "impulse_eventsource_upstream_connected"), 0);
      } finally {
        await up.up();
      }
      await waitFor("healthy again", () => s.running.health().healthy, 60_000);
      assert.ok((await metricValue(s.registry, "impulse_eventsource_upstream_errors_total")) >= 1, "the outage is counted");
      // An at-most-once subscriber may re-subscribe just after /health turns green: publish until one arrives.
      let next = 1;
      await waitFor(
        "a message after the outage stored",
        async () => {
          if (seqs(tap.events, channel).some((q) => q >= 1)) return true;
          await up.publish(channel, [seqPayload(next++)]);
          await new Promise((r) => setTimeout(r, 250));
          return false;
        },
        30_000,
      );
    });

    it("counts and skips a poison message without stopping the source", skip("poison"), async () => {
      const { ns, channel, tap, resource } = await scope("poison");
      const s = await inProcess(ns, resource);
      await up.publish(channel, [seqPayload(0), adapter.poison ?? "not json {", seqPayload(1)]);
      await waitFor("the messages around the poison one", () => tap.events.length >= 2);
      assert.deepEqual(seqs(tap.events, channel), [0, 1]);
      assert.equal(await metricValue(s.registry, "impulse_eventsource_events_failed_total", { reason: adapter.poisonReason ?? "poison" }), 1);
      assert.equal(s.running.health().healthy, true);
      if (up.acknowledged) await waitFor("acknowledged past the poison message", async () => (await up.acknowledged!(channel)) === 3);
      await up.publish(channel, [seqPayload(2)]);
      await waitFor("still reading", () => tap.events.length === 3);
    });
  });
}
