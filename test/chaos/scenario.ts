// The chaos run: a webhook EventSource and a Sensor (real `impulse` processes) forward N events at a steady rate
// to an idempotent HTTP sink while the Sensor, nats-server and optionally the EventSource are killed with SIGKILL
// and restarted; then counts what was lost and what arrived twice.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "@impulse/bus";
import { spawnCli, waitHealthy, type CliProcess } from "../kit/cli.js";
import { startNats } from "../kit/nats.js";
import { sleep } from "../kit/wait.js";
import { consumersIdle } from "./drain.js";
import { killPlan, type KillCounts, type Victim } from "./plan.js";
import { sendSteadily } from "./sender.js";
import { startIdempotentSink } from "./sink.js";

export interface ChaosOptions {
  events: number;
  ratePerSec: number;
  kills: KillCounts;
  /** How long nats-server stays down at each kill (default 1 s). */
  natsDownMs?: number;
  /** How long to wait after sending for every accepted event to arrive and the bus to drain (default 180 s). */
  drainTimeoutMs?: number;
  /** Progress lines (kills, restarts, drain). */
  log?: (line: string) => void;
}

export interface ChaosResult {
  /** Events the webhook answered 2xx for. */
  accepted: number;
  /** Events never accepted (the client gave up, or a 4xx). */
  unaccepted: number;
  /** Accepted events that never reached the sink. */
  lost: number;
  /** Calls to the sink beyond the first per event. */
  dupRaw: number;
  /** Effects beyond the first per event at a sink that applies one effect per Idempotency-Key. */
  dupEffects: number;
  /** Firings the restarted Sensors found started but never finished (each logged as a possible duplicate). */
  inFlightAtKills: number;
  /** Client requests retried (503s and connection errors while something restarted). */
  retries: number;
  kills: KillCounts;
  seconds: number;
}

const POSSIBLE_DUPLICATE = /"msg":"possible duplicate/g;

export function summaryLine(r: ChaosResult): string {
  return (
    `chaos: accepted=${r.accepted} lost=${r.lost} dup_raw=${r.dupRaw} dup_effects=${r.dupEffects} in_flight_at_kills=${r.inFlightAtKills}` +
    ` unaccepted=${r.unaccepted} client_retries=${r.retries} kills=sensor:${r.kills.sensor},nats:${r.kills.nats},eventsource:${r.kills.eventsource} seconds=${r.seconds}`
  );
}

/** Why the run failed; empty when it kept every promise. */
export function failures(r: ChaosResult): string[] {
  const out: string[] = [];
  if (r.lost > 0) out.push(`${r.lost} accepted event(s) never reached the target`);
  if (r.dupEffects > 0) out.push(`${r.dupEffects} effect(s) applied twice at a target that honours Idempotency-Key`);
  if (r.dupRaw > r.inFlightAtKills) out.push(`${r.dupRaw} raw duplicate(s) but only ${r.inFlightAtKills} flagged as possible duplicates`);
  return out;
}

function specs(dir: string, webhookPort: number, sinkUrl: string): { eventSource: string; sensor: string } {
  const eventSource = join(dir, "eventsource.yaml");
  writeFileSync(
    eventSource,
    `apiVersion: impulse.dev/v1alpha1
kind: EventSource
metadata: {name: chaos}
spec:
  webhook:
    in: {port: "${webhookPort}", endpoint: /in, method: POST}
`,
  );
  const sensor = join(dir, "sensor.yaml");
  writeFileSync(
    sensor,
    `apiVersion: impulse.dev/v1alpha1
kind: Sensor
metadata: {name: chaos}
spec:
  dependencies:
    - {name: e, eventSourceName: chaos, eventName: in}
  triggers:
    - template:
        name: forward
        http:
          url: ${sinkUrl}/effect
          payload:
            - src: {dependencyName: e, dataKey: body.n}
              dest: n
            - src: {dependencyName: e, contextKey: id}
              dest: id
`,
  );
  return { eventSource, sensor };
}

async function kill(p: CliProcess): Promise<void> {
  await p.stop("SIGKILL");
}

export async function runChaos(o: ChaosOptions): Promise<ChaosResult> {
  const log = o.log ?? (() => undefined);
  const began = Date.now();
  const dir = mkdtempSync(join(tmpdir(), "impulse-chaos-"));
  const nats = await startNats({ storeDir: join(dir, "nats") });
  const sink = await startIdempotentSink();
  const webhookPort = await freePort();
  const files = specs(dir, webhookPort, sink.url);
  const procs: CliProcess[] = [];
  // Should this process die on an error path, its runtimes must not outlive it.
  const killAll = () => procs.forEach((p) => p.proc.kill("SIGKILL"));
  process.once("exit", killAll);
  const run = async (kind: "eventsource" | "sensor"): Promise<CliProcess> => {
    const metricsPort = await freePort();
    const file = kind === "sensor" ? files.sensor : files.eventSource;
    const p = spawnCli([kind, "-f", file, "--nats-url", nats.url, "--namespace", "chaos", "--metrics-port", String(metricsPort), "--log-level", "warn"]);
    procs.push(p);
    // A busy machine can take many seconds to start a runtime, longer while nats-server restarts too.
    await waitHealthy(p, metricsPort, 120_000);
    return p;
  };
  try {
    let eventSource = await run("eventsource");
    let sensor = await run("sensor");
    const restart: Record<Victim, () => Promise<void>> = {
      sensor: async () => {
        await kill(sensor);
        sensor = await run("sensor");
      },
      eventsource: async () => {
        await kill(eventSource);
        eventSource = await run("eventsource");
      },
      nats: async () => {
        process.kill(nats.pid!, "SIGKILL");
        await sleep(o.natsDownMs ?? 1000);
        await nats.restart(); // same port and store directory
      },
    };

    const sendMs = (o.events / o.ratePerSec) * 1000;
    const plan = killPlan(o.kills, sendMs);
    const t0 = Date.now();
    const at = () => `${((Date.now() - t0) / 1000).toFixed(1)} s`;
    // One chain per victim: a slow restart of one does not hold back the kills of the others.
    let chaosError: unknown;
    const chaos = Promise.all(
      (["sensor", "nats", "eventsource"] as const).map(async (victim) => {
        for (const k of plan.filter((p) => p.victim === victim)) {
          const wait = t0 + k.atMs - Date.now();
          if (wait > 0) await sleep(wait);
          log(`kill -9 ${victim} at ${at()}`);
          await restart[victim]();
          log(`${victim} back at ${at()}`);
        }
      }),
    ).catch((e: unknown) => void (chaosError = e)); // raised after sending, so the cleanup below still runs
    const sent = await sendSteadily({ url: `http://127.0.0.1:${webhookPort}/in`, count: o.events, ratePerSec: o.ratePerSec, runId: `chaos-${began}` });
    await chaos;
    if (chaosError) throw chaosError;
    log(`sent ${o.events}: ${sent.accepted.size} accepted, ${sent.retries} retried requests; draining`);

    // Done when every accepted event arrived and the bus holds nothing unacknowledged (late redeliveries included).
    const deadline = Date.now() + (o.drainTimeoutMs ?? 180_000);
    while (Date.now() < deadline) {
      const arrived = [...sent.accepted].every((n) => sink.calls.has(n));
      if (arrived && (await consumersIdle(nats.url).catch(() => false))) break;
      await sleep(500);
    }

    const result: ChaosResult = {
      accepted: sent.accepted.size,
      unaccepted: sent.unaccepted.size,
      lost: [...sent.accepted].filter((n) => !sink.calls.has(n)).length,
      dupRaw: [...sink.calls.values()].reduce((s, c) => s + c - 1, 0),
      dupEffects: [...sink.effects.values()].reduce((s, c) => s + c - 1, 0),
      inFlightAtKills: procs.reduce((s, p) => s + (p.output().match(POSSIBLE_DUPLICATE)?.length ?? 0), 0),
      retries: sent.retries,
      kills: o.kills,
      seconds: Math.round((Date.now() - began) / 1000),
    };
    return result;
  } finally {
    for (const p of procs) await p.stop("SIGTERM");
    process.removeListener("exit", killAll);
    await nats.stop();
    await sink.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
