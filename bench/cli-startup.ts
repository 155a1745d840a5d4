// CLI start-up: wall time of `impulse --help` and `impulse lint <one file>` against a bare `node` start, median of N.
// Goal (issue 10): both under 1 s. Heavy modules (Kubernetes client, AWS SDK, kafkajs) load only where used.
import { spawnSync } from "node:child_process";
import { join } from "node:path";

export interface StartupResult {
  command: string;
  medianMs: number;
  goalMs: number | undefined;
}

const RUNS = Number(process.env["BENCH_CLI_RUNS"] ?? 7);

function medianMs(args: string[], cwd: string): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    times.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`node ${args.join(" ")} exited ${r.status}: ${r.stderr.toString()}`);
  }
  times.sort((a, b) => a - b);
  return Math.round(times[Math.floor(times.length / 2)]!);
}

export function benchCliStartup(root: string): StartupResult[] {
  const cli = join(root, "cli", "dist", "main.js");
  return [
    { command: "node -e 0 (floor: a bare Node start)", medianMs: medianMs(["-e", "0"], root), goalMs: undefined },
    { command: "impulse --help", medianMs: medianMs([cli, "--help"], root), goalMs: 1000 },
    { command: "impulse lint manifests/examples/quickstart/sensor.yaml", medianMs: medianMs([cli, "lint", "manifests/examples/quickstart/sensor.yaml"], root), goalMs: 1000 },
  ];
}
