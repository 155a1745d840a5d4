// npm run bench: runs each part (engine, CLI start-up, the pipeline of bench/pipeline.ts, notification triggers, broker
// sources, resource memory, soak) with its raw comparison in the same run, and prints the figures side by side.
import { findNatsServer, startNatsServer } from "@impulse/bus";
import { benchCliStartup } from "./cli-startup.js";
import { benchEngine } from "./engine.js";
import { benchKafka } from "./kafka.js";
import { benchRedisStream } from "./redis-stream.js";
import { benchQueueSources, type QueueBench } from "./queue-sources.js";
import { benchSqs } from "./sqs.js";
import { benchResourceMemory } from "./resource-memory.js";
import { benchSoak, printSoak } from "./soak.js";
import { benchNotifyTriggers, type NotifyRound } from "./notify-triggers.js";
import { BATCH, CONNECTIONS, PACED_MS, PACED_RATE, type BenchNats, type Result, type Sink, WARMUP, benchFloor, benchImpulse, root, startSink, stop } from "./pipeline.js";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const binary = findNatsServer(process.env["NATS_SERVER_BIN"], process.env["PATH"]);
if (!binary) throw new Error("nats-server not found: run bash tools/nats/install.sh");
const ROUNDS = Number(process.env["BENCH_ROUNDS"] ?? 3);
const BASELINE = process.env["BENCH_BASELINE"];
/** Which parts to run, e.g. BENCH_PARTS=pipeline to compare a change on the hot path (default: all). */
const PARTS = new Set((process.env["BENCH_PARTS"] ?? "engine,cli,pipeline,notify,kafka,redis,amqp,mqtt,sqs,resource").split(",").map((p) => p.trim()));
const sink = await startSink();
console.error(
  `benchmark: ${ROUNDS} rounds, alternating pipelines, each on a fresh nats-server; ${BATCH} events (after ${WARMUP}) over ${CONNECTIONS} connections, ` +
    `then ${PACED_RATE} ev/s for ${PACED_MS} ms for latency; ~1 KB JSON bodies`,
);

/** One pipeline run on its own fresh nats-server, so neither inherits the other's stream files. */
async function round(run: (nats: BenchNats, s: Sink) => Promise<Result>): Promise<Result> {
  const nats = await startNatsServer({ binary: binary! });
  try {
    return await run(nats, sink);
  } finally {
    await nats.stop();
  }
}

/** "min – max" of per-round figures (the machine is shared: a range says more than one number). */
function range(xs: number[], unit = ""): string {
  const f = (x: number) => (Math.abs(x) >= 100 ? Math.round(x) : +x.toFixed(1));
  return `${f(Math.min(...xs))} – ${f(Math.max(...xs))}${unit}`;
}

function printNotify(rounds: NotifyRound[]): void {
  console.log(`\n| trigger (${rounds.length / new Set(rounds.map((r) => r.kind)).size} rounds; min – max) | Impulse firings/s | raw client loop /s | Impulse / raw per round |`);
  console.log("|---|---|---|---|");
  for (const kind of new Set(rounds.map((r) => r.kind))) {
    const rs = rounds.filter((r) => r.kind === kind);
    for (const client of rs[0]!.raw.map((x) => x.client)) {
      const raw = rs.map((r) => r.raw.find((x) => x.client === client)!.perSec);
      const ratios = rs.map((r, i) => (r.impulsePerSec / raw[i]!) * 100);
      console.log(`| ${kind} vs ${client} | ${range(rs.map((r) => r.impulsePerSec))} | ${range(raw)} | ${range(ratios, " %")} |`);
    }
  }
}

const median = (rs: Result[]): Result => [...rs].sort((a, b) => a.sustainedPerSec - b.sustainedPerSec)[Math.floor(rs.length / 2)]!;

const engine = PARTS.has("engine") ? benchEngine() : [];
if (engine.length) console.log("\n| engine (one core) | Impulse /s | hand-written raw /s | goal /s |");
if (engine.length) console.log("|---|---|---|---|");
for (const e of engine) console.log(`| ${e.name} | ${e.perSec} | ${e.rawPerSec} | ${e.goal}${e.perSec >= e.goal ? " ✓" : " ✗"} |`);

const cliStartup = PARTS.has("cli") ? benchCliStartup(root) : [];
if (cliStartup.length) console.log("\n| CLI start-up (median wall time) | ms | goal ms |");
if (cliStartup.length) console.log("|---|---|---|");
for (const c of cliStartup) console.log(`| ${c.command} | ${c.medianMs} | ${c.goalMs === undefined ? "" : `< ${c.goalMs}${c.medianMs < c.goalMs ? " ✓" : " ✗"}`} |`);

try {
  const runs: { floor: Result[]; impulse: Result[]; journalOff: Result[]; baseline: Result[] } = { floor: [], impulse: [], journalOff: [], baseline: [] };
  for (let i = 0; i < (PARTS.has("pipeline") ? ROUNDS : 0); i++) {
    if (BASELINE && i % 2 === 1) runs.baseline.push(await round((n, s) => benchImpulse(n, s, true, BASELINE)));
    runs.floor.push(await round(benchFloor));
    // Journal on and off back to back, the order swapped every round, so a drift in the machine's load (it is
    // shared) falls on each side alike; the cost is read per round, from the two adjacent runs.
    const on = () => round(benchImpulse);
    const off = () => round((n, s) => benchImpulse(n, s, false));
    if (i % 2 === 0) {
      runs.impulse.push(await on());
      runs.journalOff.push(await off());
    } else {
      runs.journalOff.push(await off());
      runs.impulse.push(await on());
    }
    // BENCH_BASELINE=<dir>: another build of Impulse (its */dist, e.g. of the commit before a hot-path change),
    // run right after this one in every round, for a before/after in the same machine state.
    // Every other round it runs first instead, so neither build always gets the later machine state.
    if (BASELINE && i % 2 === 0) runs.baseline.push(await round((n, s) => benchImpulse(n, s, true, BASELINE)));
    console.error(
      `round ${i + 1}: floor ${runs.floor[i]!.sustainedPerSec} ev/s, impulse ${runs.impulse[i]!.sustainedPerSec} ev/s, journal off ${runs.journalOff[i]!.sustainedPerSec} ev/s` +
        (BASELINE ? `, baseline build ${runs.baseline[i]!.sustainedPerSec} ev/s` : ""),
    );
  }
  if (runs.baseline.length) {
    console.log(`\n| round | impulse ev/s | baseline build ev/s | impulse / baseline | impulse / floor | baseline / floor | p99 ms impulse | p99 ms baseline |`);
    console.log("|---|---|---|---|---|---|---|---|");
    runs.baseline.forEach((b, i) => {
      const imp = runs.impulse[i]!;
      const fl = runs.floor[i]!;
      console.log(`| ${i + 1} | ${imp.sustainedPerSec} | ${b.sustainedPerSec} | ${((imp.sustainedPerSec / b.sustainedPerSec) * 100).toFixed(1)} % | ${((imp.sustainedPerSec / fl.sustainedPerSec) * 100).toFixed(1)} % | ${((b.sustainedPerSec / fl.sustainedPerSec) * 100).toFixed(1)} % | ${imp.p99Ms} | ${b.p99Ms} |`);
    });
  }
  const floor = median(runs.floor);
  const impulse = median(runs.impulse);
  const journalOff = median(runs.journalOff);
  const ratio = impulse ? impulse.sustainedPerSec / floor.sustainedPerSec : NaN;
  if (impulse) console.log(`\n| pipeline (median of ${ROUNDS}) | sustained ev/s (end to end) | ingest ev/s | p50 ms @${PACED_RATE}/s | p99 ms @${PACED_RATE}/s | rejected | CPU µs/event (pipeline + nats-server) | of it nats-server |`);
  if (impulse) console.log("|---|---|---|---|---|---|---|---|");
  if (impulse) for (const r of [floor, impulse, journalOff]) console.log(`| ${r.pipeline} | ${r.sustainedPerSec} | ${r.ingestPerSec} | ${r.p50Ms} | ${r.p99Ms} | ${r.rejected} | ${r.cpuUsPerEvent} | ${r.natsCpuUsPerEvent} |`);
  if (impulse) console.log(`\nImpulse / floor (sustained): ${(ratio * 100).toFixed(1)} %  (goal >= 80 %)`);
  const journalCost = impulse ? 1 - impulse.sustainedPerSec / journalOff.sustainedPerSec : NaN;
  if (impulse)
    console.log(`Event journal cost (sustained, on vs off): ${(journalCost * 100).toFixed(1)} %  (goal <= 10 %); p99 @${PACED_RATE}/s ${impulse.p99Ms} ms on, ${journalOff.p99Ms} ms off`);
  const journalRounds = runs.impulse.map((on, i) => ({ on, off: runs.journalOff[i]!, floor: runs.floor[i]! }));
  if (journalRounds.length) {
    console.log(`\n| round | journal on ev/s | journal off ev/s | cost | on / off ev/s to the 99th % delivery | cost (99th %) | p99 on ms | p99 off ms | CPU µs/event on / off | CPU cost | Impulse / floor |`);
    console.log("|---|---|---|---|---|---|---|---|---|---|---|");
    journalRounds.forEach((r, i) =>
      console.log(
        `| ${i + 1} | ${r.on.sustainedPerSec} | ${r.off.sustainedPerSec} | ${((1 - r.on.sustainedPerSec / r.off.sustainedPerSec) * 100).toFixed(1)} % | ${r.on.sustained99PerSec} / ${r.off.sustained99PerSec} | ` +
          `${((1 - r.on.sustained99PerSec / r.off.sustained99PerSec) * 100).toFixed(1)} % | ${r.on.p99Ms} | ${r.off.p99Ms} | ` +
          `${r.on.cpuUsPerEvent} / ${r.off.cpuUsPerEvent} | ${((r.on.cpuUsPerEvent / r.off.cpuUsPerEvent - 1) * 100).toFixed(1)} % | ${((r.on.sustainedPerSec / r.floor.sustainedPerSec) * 100).toFixed(1)} % |`,
      ),
    );
    const costs = journalRounds.map((r) => (1 - r.on.sustainedPerSec / r.off.sustainedPerSec) * 100);
    const costs99 = journalRounds.map((r) => (1 - r.on.sustained99PerSec / r.off.sustained99PerSec) * 100);
    const cpuCosts = journalRounds.map((r) => (r.on.cpuUsPerEvent / r.off.cpuUsPerEvent - 1) * 100);
    console.log(
      `Journal cost per round: ${range(costs, " %")} (to the 99th % delivery: ${range(costs99, " %")}; in CPU per event: ${range(cpuCosts, " %")}); p99 @${PACED_RATE}/s on ${range(journalRounds.map((r) => r.on.p99Ms), " ms")}, off ${range(journalRounds.map((r) => r.off.p99Ms), " ms")}`,
    );
  }
  // Slack, email and NATS triggers against raw client loops to the same servers.
  let notify: NotifyRound[] | { skipped: string };
  try {
    if (!PARTS.has("notify")) throw new Error("not in BENCH_PARTS");
    notify = await benchNotifyTriggers(ROUNDS);
    printNotify(notify);
  } catch (e) {
    notify = { skipped: (e as Error).message };
    console.log(`\nnotification triggers: skipped (${notify.skipped})`);
  }
  // Kafka → bus: needs java and the jars of tools/kafka/install.sh (the kit resolves them once).
  let kafka: Awaited<ReturnType<typeof benchKafka>> | { skipped: string };
  try {
    if (!PARTS.has("kafka")) throw new Error("not in BENCH_PARTS");
    kafka = await benchKafka(ROUNDS);
    console.log(`\n| kafka → bus (median of ${ROUNDS}) | events stored /s |`);
    console.log("|---|---|");
    for (const r of [kafka.floor, kafka.impulse]) console.log(`| ${r.pipeline} | ${r.perSec} |`);
    console.log(`\nImpulse / floor (kafka → bus): ${((kafka.impulse.perSec / kafka.floor.perSec) * 100).toFixed(1)} %`);
  } catch (e) {
    kafka = { skipped: (e as Error).message };
    console.log(`\nkafka → bus: skipped (${kafka.skipped})`);
  }
  // Redis stream → bus: needs redis-server (tools/redis/install.sh).
  let redisStream: Awaited<ReturnType<typeof benchRedisStream>> | { skipped: string };
  try {
    if (!PARTS.has("redis")) throw new Error("not in BENCH_PARTS");
    redisStream = await benchRedisStream(ROUNDS);
    console.log(`\n| redis stream → bus (median of ${ROUNDS}) | events stored /s |`);
    console.log("|---|---|");
    for (const r of [redisStream.floor, redisStream.impulse]) console.log(`| ${r.pipeline} | ${r.perSec} |`);
    console.log(`\nImpulse / floor (redis stream → bus): ${((redisStream.impulse.perSec / redisStream.floor.perSec) * 100).toFixed(1)} %  (goal >= 80 %)`);
  } catch (e) {
    redisStream = { skipped: (e as Error).message };
    console.log(`\nredis stream → bus: skipped (${redisStream.skipped})`);
  }
  // AMQP → bus and MQTT → bus: need Debian's rabbitmq-server and mosquitto (tools/rabbitmq, tools/mosquitto).
  let queueSources: QueueBench | { skipped: string };
  try {
    const which = ["amqp", "mqtt"].filter((p) => PARTS.has(p));
    if (!which.length) throw new Error("not in BENCH_PARTS");
    queueSources = await benchQueueSources(ROUNDS, which);
    for (const [name, r] of Object.entries(queueSources)) {
      if ("skipped" in r) {
        console.log(`\n${name} → bus: skipped (${r.skipped})`);
        continue;
      }
      console.log(`\n| ${name} → bus (median of ${ROUNDS}) | events stored /s |`);
      console.log("|---|---|");
      for (const x of [r.floor, r.impulse]) console.log(`| ${x.pipeline} | ${x.perSec} |`);
      console.log(`\nImpulse / floor (${name} → bus): ${((r.impulse.perSec / r.floor.perSec) * 100).toFixed(1)} %  (goal >= 80 %)`);
    }
  } catch (e) {
    queueSources = { skipped: (e as Error).message };
    console.log(`\namqp/mqtt → bus: skipped (${queueSources.skipped})`);
  }
  // SQS → bus: needs moto_server (tools/moto/install.sh).
  let sqs: Awaited<ReturnType<typeof benchSqs>> | { skipped: string };
  try {
    if (!PARTS.has("sqs")) throw new Error("not in BENCH_PARTS");
    sqs = await benchSqs(ROUNDS);
    console.log(`\n| sqs → bus (median of ${ROUNDS}) | events stored /s |`);
    console.log("|---|---|");
    for (const r of [sqs.floor, sqs.impulse]) console.log(`| ${r.pipeline} | ${r.perSec} |`);
    console.log(`\nImpulse / floor (sqs → bus): ${((sqs.impulse.perSec / sqs.floor.perSec) * 100).toFixed(1)} %  (goal >= 80 %)`);
  } catch (e) {
    sqs = { skipped: (e as Error).message };
    console.log(`\nsqs → bus: skipped (${sqs.skipped})`);
  }
  // Memory of watching many objects: needs the kube-apiserver of tools/kube/build.sh.
  let resourceMemory: Awaited<ReturnType<typeof benchResourceMemory>> | { skipped: string };
  try {
    if (!PARTS.has("resource")) throw new Error("not in BENCH_PARTS");
    resourceMemory = await benchResourceMemory();
    console.log(`\n| watching ${resourceMemory[0]!.objects} ConfigMaps of ~4 KB | heap kept after the initial list |`);
    console.log("|---|---|");
    const label: Record<string, string> = {
      informer: "client-node informer (Argo's approach: whole objects cached)",
      "impulse-add": "impulse resource source, ADD/DELETE",
      "impulse-update": "impulse resource source, ADD/UPDATE/DELETE (oldBody from the KV)",
    };
    for (const r of resourceMemory) console.log(`| ${label[r.mode] ?? r.mode} | ${r.retainedMiB} MiB |`);
  } catch (e) {
    resourceMemory = { skipped: (e as Error).message };
    console.log(`\nresource memory: skipped (${resourceMemory.skipped})`);
  }
  // Memory over time under a steady rate (BENCH_SOAK_SECONDS, default 600; BENCH_SOAK=0 skips it).
  let soak: Awaited<ReturnType<typeof benchSoak>> | { skipped: string };
  if (process.env["BENCH_SOAK"] === "0") {
    soak = { skipped: "BENCH_SOAK=0" };
    console.log("\nsoak: skipped (BENCH_SOAK=0)");
  } else {
    soak = await benchSoak();
    printSoak(soak);
  }
  const outDir = join(root, "bench", "results");
  mkdirSync(outDir, { recursive: true });
  const file = join(outDir, `bench-${new Date().toISOString().replace(/[:.]/g, "-")}.json`);
  writeFileSync(
    file,
    JSON.stringify({ date: new Date().toISOString(), node: process.version, connections: CONNECTIONS, events: BATCH, pacedRate: PACED_RATE, rounds: runs, median: { floor, impulse, journalOff }, ratio, journalCost, notify, engine, cliStartup, kafka, redisStream, queueSources, sqs, resourceMemory, soak }, null, 2),
  );
  console.log(`results: ${file}`);
} finally {
  await sink.close();
}
