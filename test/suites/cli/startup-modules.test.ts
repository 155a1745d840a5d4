// `impulse --help` and `impulse lint` must not load the heavy clients (Kubernetes, AWS SDK, kafkajs, NATS): they cost
// seconds of start-up and neither command talks to anything. Nor the OpenTelemetry SDK: it loads only when OTEL_* turns tracing on. npm run bench times the start-up; this keeps the cause out.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { cliMain, repoRoot } from "../../kit/cli.js";

const HEAVY = [/^@kubernetes\//, /^@aws-sdk\//, /^kafkajs$/, /^ioredis$/, /^@nats-io\//, /^@grpc\//, /^express$/, /^wasmoon$/, /^jq-wasm$/, /^prom-client$/, /^nodemailer$/, /^@opentelemetry\/sdk-/, /^@opentelemetry\/exporter-/];

function packagesLoaded(args: string[]): string[] {
  const loader = join(repoRoot, "test", "kit", "package-trace-loader.mjs");
  const dir = mkdtempSync(join(tmpdir(), "impulse-trace-"));
  const trace = join(dir, "packages");
  try {
    const r = spawnSync(process.execPath, ["--no-warnings", "--loader", loader, cliMain, ...args], {
      cwd: repoRoot,
      encoding: "utf8",
      timeout: 60_000,
      env: { ...process.env, IMPULSE_TRACE_FILE: trace },
    });
    assert.equal(r.status, 0, r.stderr);
    return readFileSync(trace, "utf8").split("\n").filter(Boolean);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

for (const args of [["--help"], ["lint", "manifests/examples/quickstart/"], ["lint", "manifests/examples/"]]) {
  it(`impulse ${args.join(" ")} loads no heavy client`, () => {
    const loaded = packagesLoaded(args);
    assert.ok(loaded.includes("commander"), `the trace works: ${loaded.join(", ")}`);
    const heavy = loaded.filter((p) => HEAVY.some((h) => h.test(p)));
    assert.deepEqual(heavy, [], `loaded: ${loaded.join(", ")}`);
  });
}
