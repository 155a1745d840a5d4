// Soak: a webhook EventSource and a Sensor as separate `impulse` processes under a steady rate for minutes, their
// memory (RSS and heap used) sampled from /metrics; reports the slope of each (MiB/min) after a warm-up. Flat is the goal.
// Run alone: node --conditions=source --import tsx bench/soak.ts (BENCH_SOAK_SECONDS, BENCH_SOAK_RATE; BENCH_SOAK_OUT=file.json keeps the samples).
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { findNatsServer, freePort, startNatsServer } from "@impulse/bus";
import { Pool, request } from "undici";

const root = join(import.meta.dirname, "..");
const MiB = 1024 * 1024;

export interface SoakSeries {
  runtime: "eventsource" | "sensor";
  /** Least-squares slope over the samples after the warm-up. */
  rssSlopeMiBPerMin: number;
  heapSlopeMiBPerMin: number;
  rssStartMiB: number;
  rssEndMiB: number;
  heapStartMiB: number;
  heapEndMiB: number;
}

export interface SoakResult {
  seconds: number;
  rate: number;
  warmupSeconds: number;
  sampleCount: number;
  accepted: number;
  rejected: number;
  delivered: number;
  series: SoakSeries[];
  /** Every sample: minutes since the start, bytes. */
  samples: { runtime: string; t: number; rss: number; heap: number }[];
}

/** Slope of y over x by least squares. */
export function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return NaN;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const num = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const den = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return den === 0 ? NaN : num / den;
}

function metric(text: string, name: string): number {
  const line = text.split("\n").find((l) => l.startsWith(name + " ") || l.startsWith(name + "{"));
  return line ? Number(line.slice(line.lastIndexOf(" ") + 1)) : NaN;
}

async function memory(metricsPort: number): Promise<{ rss: number; heap: number }> {
  const r = await request(`http://127.0.0.1:${metricsPort}/metrics`);
  const text = await r.body.text();
  return { rss: metric(text, "process_resident_memory_bytes"), heap: metric(text, "nodejs_heap_size_used_bytes") };
}

function spawnRuntime(kind: string, file: string, natsUrl: string, metricsPort: number): ChildProcess {
  const p = spawn(process.execPath, [join(root, "cli/dist/main.js"), kind, "-f", file, "--nats-url", natsUrl, "--namespace", "soak", "--metrics-port", String(metricsPort), "--log-level", "warn"], {
    stdio: ["ignore", "ignore", "inherit"],
  });
  return p;
}

async function healthy(p: ChildProcess, metricsPort: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (p.exitCode !== null) throw new Error(`runtime exited with ${p.exitCode}`);
    try {
      const r = await request(`http://127.0.0.1:${metricsPort}/health`);
      await r.body.dump();
      if (r.statusCode === 200) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error("runtime did not become healthy");
}

function stop(p: ChildProcess): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return Promise.resolve();
  return new Promise((r) => {
    p.once("exit", () => r());
    p.kill("SIGTERM");
    setTimeout(() => p.kill("SIGKILL"), 10_000).unref();
  });
}

export async function benchSoak(opts: { seconds?: number; rate?: number; sampleSeconds?: number; log?: (line: string) => void } = {}): Promise<SoakResult> {
  const seconds = opts.seconds ?? Number(process.env["BENCH_SOAK_SECONDS"] ?? 600);
  const rate = opts.rate ?? Number(process.env["BENCH_SOAK_RATE"] ?? 200);
  const sampleSeconds = opts.sampleSeconds ?? Number(process.env["BENCH_SOAK_SAMPLE_SECONDS"] ?? 5);
  // Not a leak: JIT and pools in the first seconds, and the sensor's idempotency keys of the last 5 minutes (the
  // dedup window, kept in memory by design: 60,000 at 200 ev/s) filling up. The slope starts once the window is
  // full (5.5 min), or at half time in a shorter run.
  const warmupSeconds = Number(process.env["BENCH_SOAK_WARMUP_SECONDS"] ?? Math.min(330, Math.round(seconds / 2)));
  const log = opts.log ?? ((l: string) => console.error(l));
  const binary = findNatsServer(process.env["NATS_SERVER_BIN"], process.env["PATH"]);
  if (!binary) throw new Error("nats-server not found: run bash tools/nats/install.sh");

  let delivered = 0;
  const sink = createServer((req, res) => {
    req.resume();
    req.on("end", () => {
      delivered++;
      res.writeHead(200).end();
    });
  });
  await new Promise<void>((r) => sink.listen(0, "127.0.0.1", r));
  const sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}/sink`;
  const nats = await startNatsServer({ binary });
  const dir = mkdtempSync(join(tmpdir(), "impulse-soak-"));
  const webhookPort = await freePort();
  writeFileSync(
    join(dir, "eventsource.yaml"),
    `apiVersion: impulse.dev/v1alpha1
kind: EventSource
metadata: {name: soak}
spec:
  webhook:
    e: {port: "${webhookPort}", endpoint: /e, method: POST}
`,
  );
  writeFileSync(
    join(dir, "sensor.yaml"),
    `apiVersion: impulse.dev/v1alpha1
kind: Sensor
metadata: {name: soak}
spec:
  dependencies:
    - name: d
      eventSourceName: soak
      eventName: e
      filters:
        data:
          - {path: body.n, type: number, comparator: ">=", value: ["0"]}
  triggers:
    - template:
        name: sink
        http:
          url: ${sinkUrl}
          payload:
            - src: {dependencyName: d, dataKey: body.n}
              dest: n
`,
  );
  const procs: { runtime: "eventsource" | "sensor"; proc: ChildProcess; port: number }[] = [];
  const pool = new Pool(`http://127.0.0.1:${webhookPort}`, { connections: 16 });
  try {
    for (const runtime of ["eventsource", "sensor"] as const) {
      const port = await freePort();
      const proc = spawnRuntime(runtime, join(dir, `${runtime}.yaml`), nats.url, port);
      procs.push({ runtime, proc, port });
      await healthy(proc, port);
    }
    log(`soak: ${seconds} s at ${rate} ev/s, memory sampled every ${sampleSeconds} s, slope after ${warmupSeconds} s of warm-up`);

    let accepted = 0;
    let rejected = 0;
    const samples: { runtime: string; t: number; rss: number; heap: number }[] = [];
    const t0 = Date.now();
    const sampler = setInterval(() => {
      const t = (Date.now() - t0) / 60_000;
      for (const p of procs) void memory(p.port).then((m) => samples.push({ runtime: p.runtime, t, ...m }), () => undefined);
    }, sampleSeconds * 1000);
    const sends = new Set<Promise<void>>();
    const total = Math.round(seconds * rate);
    for (let n = 0; n < total; n++) {
      // Open loop on a schedule: a slow answer does not lower the rate.
      const wait = t0 + (n * 1000) / rate - Date.now();
      if (wait > 1) await new Promise((r) => setTimeout(r, wait));
      const s = pool
        .request({ path: "/e", method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ n, pad: "x".repeat(512) }) })
        .then(async (r) => {
          await r.body.dump();
          if (r.statusCode === 200) accepted++;
          else rejected++;
        }, () => void rejected++)
        .finally(() => sends.delete(s));
      sends.add(s);
      if (n > 0 && n % (rate * 60) === 0) log(`soak: ${Math.round((Date.now() - t0) / 1000)} s, ${accepted} accepted, ${delivered} delivered`);
    }
    await Promise.all(sends);
    clearInterval(sampler);
    const deadline = Date.now() + 60_000;
    while (delivered < accepted && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));

    const series = procs.map(({ runtime }) => {
      const mine = samples.filter((s) => s.runtime === runtime).sort((a, b) => a.t - b.t);
      const steady = mine.filter((s) => s.t * 60 >= warmupSeconds);
      const first = steady[0] ?? mine[0]!;
      const last = mine[mine.length - 1]!;
      const round = (v: number) => Math.round(v * 100) / 100;
      return {
        runtime,
        rssSlopeMiBPerMin: round(slope(steady.map((s) => ({ x: s.t, y: s.rss / MiB })))),
        heapSlopeMiBPerMin: round(slope(steady.map((s) => ({ x: s.t, y: s.heap / MiB })))),
        rssStartMiB: round(first.rss / MiB),
        rssEndMiB: round(last.rss / MiB),
        heapStartMiB: round(first.heap / MiB),
        heapEndMiB: round(last.heap / MiB),
      };
    });
    return { seconds, rate, warmupSeconds, sampleCount: samples.length / procs.length, accepted, rejected, delivered, series, samples };
  } finally {
    await pool.close();
    for (const p of procs) await stop(p.proc);
    await nats.stop();
    await new Promise((r) => (sink.closeAllConnections(), sink.close(r)));
    rmSync(dir, { recursive: true, force: true });
  }
}

export function printSoak(r: SoakResult): void {
  console.log(`\n| soak: ${r.seconds} s at ${r.rate} ev/s (slope after ${r.warmupSeconds} s) | RSS MiB start → end | RSS slope MiB/min | heap used MiB start → end | heap slope MiB/min |`);
  console.log("|---|---|---|---|---|");
  for (const s of r.series) console.log(`| ${s.runtime} | ${s.rssStartMiB} → ${s.rssEndMiB} | ${s.rssSlopeMiBPerMin} | ${s.heapStartMiB} → ${s.heapEndMiB} | ${s.heapSlopeMiBPerMin} |`);
  console.log(`\nsoak: accepted=${r.accepted} rejected=${r.rejected} delivered=${r.delivered} lost=${Math.max(0, r.accepted - r.delivered)}`);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const r = await benchSoak();
  printSoak(r);
  if (process.env["BENCH_SOAK_OUT"]) writeFileSync(process.env["BENCH_SOAK_OUT"], JSON.stringify(r, null, 2));
}
