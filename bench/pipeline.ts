// The pipeline part of npm run bench: the sink, the closed-loop and paced load, and the Impulse and raw floor
// pipelines it drives (webhook → bus → sensor with a data filter → HTTP trigger, and the same written on the libraries).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import { freePort } from "@impulse/bus";
import { Pool } from "undici";

export const root = join(import.meta.dirname, "..");
export const CONNECTIONS = Number(process.env["BENCH_CONNECTIONS"] ?? 64);
const PAYLOAD_PAD = "x".repeat(1024 - 60); // ~1 KB bodies

export interface Result {
  pipeline: string;
  /** Events delivered to the sink per second, from the first send to the last delivery of a fixed batch. */
  sustainedPerSec: number;
  /**
   * The same up to the 99th percentile delivery: one event retried late (a timed-out call on a loaded machine) moves
   * the last delivery by seconds and the sustained figure with it; this one is robust to such a tail.
   */
  sustained99PerSec: number;
  /** Webhook answers per second during the batch (ingest can run ahead of delivery). */
  ingestPerSec: number;
  /** End-to-end latency (request sent → trigger call received) at a fixed, moderate rate. */
  p50Ms: number;
  p99Ms: number;
  rejected: number;
  /**
   * CPU time (user + system) of the pipeline's own processes and nats-server per event of the batch, in µs. Unlike
   * the rates it hardly moves with the machine's load, so a small cost (the journal's) is visible in it.
   */
  cpuUsPerEvent: number;
  /** The part of cpuUsPerEvent that nats-server used (storing events, the journal, KV records). */
  natsCpuUsPerEvent: number;
}

/** User + system CPU milliseconds a process has used so far (Linux /proc; 0 when it is gone or unreadable). */
function cpuMs(pid: number): number {
  try {
    // The fields after the parenthesised command name: utime and stime are the 12th and 13th, in clock ticks (1/100 s).
    const f = readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1]!.split(" ");
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return 0;
  }
}
const totalCpuMs = (pids: number[]) => pids.reduce((s, p) => s + cpuMs(p), 0);

export const BATCH = Number(process.env["BENCH_EVENTS"] ?? 20000);
export const WARMUP = Number(process.env["BENCH_WARMUP_EVENTS"] ?? 3000);
export const PACED_RATE = Number(process.env["BENCH_PACED_RATE"] ?? 500);
export const PACED_MS = Number(process.env["BENCH_PACED_MS"] ?? 5000);

function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const now = () => performance.timeOrigin + performance.now();

export async function startSink() {
  let delivered: { at: number; latency: number }[] = [];
  let waiter: { count: number; resolve: () => void } | undefined;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const at = now();
      const { sent } = JSON.parse(Buffer.concat(chunks).toString()) as { sent: number | string };
      delivered.push({ at, latency: at - Number(sent) });
      res.writeHead(200).end();
      if (waiter && delivered.length >= waiter.count) waiter.resolve();
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/sink`,
    take: () => {
      const d = delivered;
      delivered = [];
      return d;
    },
    /** Resolves once `count` deliveries arrived since the last take(). */
    until: (count: number, timeoutMs = 120_000) =>
      new Promise<void>((resolve, reject) => {
        if (delivered.length >= count) return resolve();
        const t = setTimeout(() => reject(new Error(`only ${delivered.length}/${count} events delivered`)), timeoutMs);
        waiter = { count, resolve: () => (clearTimeout(t), (waiter = undefined), resolve()) };
      }),
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(r))),
  };
}

function waitLine(proc: ChildProcess, pattern: RegExp, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`${what} did not start:\n${out}`)), 60_000);
    const on = (c: Buffer) => {
      out += c.toString();
      if (pattern.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout!.on("data", on);
    proc.stderr!.on("data", on);
    proc.once("exit", (code) => reject(new Error(`${what} exited with ${code}:\n${out}`)));
  });
}

export type Sink = Awaited<ReturnType<typeof startSink>>;

/** Sends `count` events over CONNECTIONS closed-loop connections; returns accepted and rejected counts. */
async function sendBatch(pool: Pool, path: string, count: number): Promise<{ accepted: number; rejected: number }> {
  let next = 0;
  let accepted = 0;
  let rejected = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const body = JSON.stringify({ n: next, sent: now(), pad: PAYLOAD_PAD });
      const r = await pool.request({ path, method: "POST", headers: { "content-type": "application/json" }, body });
      await r.body.dump();
      if (r.statusCode === 200) accepted++;
      else rejected++;
    }
  };
  await Promise.all(Array.from({ length: CONNECTIONS }, worker));
  return { accepted, rejected };
}

async function drive(pipeline: string, ingestUrl: string, sink: Sink, pid: number, natsPid: number | undefined): Promise<Result> {
  const pids = natsPid ? [pid, natsPid] : [pid];
  const url = new URL(ingestUrl);
  const pool = new Pool(url.origin, { connections: CONNECTIONS, pipelining: 1 });
  // Warm-up: JIT, connections, consumers.
  sink.take();
  const warm = await sendBatch(pool, url.pathname, WARMUP);
  await sink.until(warm.accepted);
  sink.take();

  const t0 = now();
  const cpu0 = totalCpuMs(pids);
  const natsCpu0 = natsPid ? cpuMs(natsPid) : 0;
  const batch = await sendBatch(pool, url.pathname, BATCH);
  const ingestDone = now();
  await sink.until(batch.accepted);
  const cpu = totalCpuMs(pids) - cpu0;
  const natsCpu = natsPid ? cpuMs(natsPid) - natsCpu0 : 0;
  const delivered = sink.take();
  const lastAt = Math.max(...delivered.map((d) => d.at));
  const at99 = percentile(delivered.map((d) => d.at).sort((a, b) => a - b), 99);

  // Latency at a fixed rate the pipeline sustains, so queueing does not dominate.
  const interval = 1000 / PACED_RATE;
  const paced = Math.round((PACED_MS / 1000) * PACED_RATE);
  const sends: Promise<unknown>[] = [];
  const start = now();
  for (let i = 0; i < paced; i++) {
    const wait = start + i * interval - now();
    if (wait > 1) await new Promise((r) => setTimeout(r, wait));
    sends.push(
      pool.request({ path: url.pathname, method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ n: i, sent: now(), pad: PAYLOAD_PAD }) }).then((r) => r.body.dump()),
    );
  }
  await Promise.all(sends);
  await sink.until(paced);
  const lat = sink.take().map((d) => d.latency).sort((a, b) => a - b);
  await pool.close();
  return {
    pipeline,
    sustainedPerSec: Math.round(batch.accepted / ((lastAt - t0) / 1000)),
    sustained99PerSec: Math.round((0.99 * batch.accepted) / ((at99 - t0) / 1000)),
    ingestPerSec: Math.round(batch.accepted / ((ingestDone - t0) / 1000)),
    p50Ms: +percentile(lat, 50).toFixed(2),
    p99Ms: +percentile(lat, 99).toFixed(2),
    rejected: batch.rejected + warm.rejected,
    cpuUsPerEvent: Math.round((cpu * 1000) / batch.accepted),
    natsCpuUsPerEvent: Math.round((natsCpu * 1000) / batch.accepted),
  };
}

export async function stop(proc: ChildProcess): Promise<void> {
  if (proc.exitCode !== null) return;
  await new Promise<void>((r) => {
    proc.once("exit", () => r());
    proc.kill("SIGTERM");
    setTimeout(() => proc.kill("SIGKILL"), 10_000).unref();
  });
}

/** The nats-server a pipeline runs on: its pid counts into the pipeline's CPU time. */
export interface BenchNats {
  url: string;
  pid: number | undefined;
}

export async function benchImpulse(nats: BenchNats, sink: Awaited<ReturnType<typeof startSink>>, journal = true, cliRoot = root): Promise<Result> {
  const natsUrl = nats.url;
  const port = await freePort();
  // The same pipeline with the event journal turned off on its EventBus: the journal's cost is the difference.
  const busDoc = journal ? "" : `---
apiVersion: impulse.dev/v1alpha1
kind: EventBus
metadata: {name: default}
spec:
  journal: {enabled: false}
  jetstreamExotic: {url: "${natsUrl}"}
`;
  const dir = mkdtempSync(join(tmpdir(), "impulse-bench-"));
  writeFileSync(
    join(dir, "bench.yaml"),
    `apiVersion: impulse.dev/v1alpha1
kind: EventSource
metadata: {name: webhook}
spec:
  webhook:
    example: {port: "${port}", endpoint: /example, method: POST}
---
apiVersion: impulse.dev/v1alpha1
kind: Sensor
metadata: {name: bench}
spec:
  dependencies:
    - name: dep
      eventSourceName: webhook
      eventName: example
      filters:
        data:
          - {path: body.n, type: number, comparator: ">=", value: ["0"]}
  triggers:
    - template:
        name: sink
        http:
          url: ${sink.url}
          payload:
            - src: {dependencyName: dep, dataKey: body.sent, useRawData: true}
              dest: sent
${busDoc}`,
  );
  // BENCH_CPU_PROF=<dir>: a V8 CPU profile of each impulse process, written there when it stops (node --cpu-prof).
  const prof = process.env["BENCH_CPU_PROF"] ? ["--cpu-prof", "--cpu-prof-dir", process.env["BENCH_CPU_PROF"]] : [];
  const proc = spawn(process.execPath, [...prof, join(cliRoot, "cli/dist/main.js"), "dev", "-f", dir, "--nats-url", natsUrl, "--namespace", "bench", "--log-level", "warn"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  await waitLine(proc, /Impulse is running/, "impulse dev");
  try {
    const name = cliRoot !== root ? "impulse, baseline build" : journal ? "impulse" : "impulse, journal off";
    return await drive(name, `http://127.0.0.1:${port}/example`, sink, proc.pid!, nats.pid);
  } finally {
    await stop(proc);
  }
}

export async function benchFloor(nats: BenchNats, sink: Awaited<ReturnType<typeof startSink>>): Promise<Result> {
  const natsUrl = nats.url;
  const port = await freePort();
  const proc = spawn(process.execPath, ["--import", "tsx", join(root, "bench/floor.ts"), natsUrl, String(port), sink.url], { cwd: root, stdio: ["ignore", "pipe", "pipe"] });
  await waitLine(proc, /ready/, "floor pipeline");
  try {
    return await drive("raw floor", `http://127.0.0.1:${port}/example`, sink, proc.pid!, nats.pid);
  } finally {
    await stop(proc);
  }
}
