// `impulse dev` on a laptop: one per data dir, loopback-only servers, and start-up errors that say what to change.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";
import { findNatsServer, freePort } from "@impulse/bus";
import { repoRoot, runCli, spawnCli, waitHealthy, type CliProcess } from "../../kit/cli.js";
import { startNats } from "../../kit/nats.js";
import { listenAddresses, processAlive } from "../../kit/procs.js";
import { waitFor } from "../../kit/wait.js";

const quickstart = join(repoRoot, "manifests/examples/quickstart");
const started: CliProcess[] = [];
const servers: Server[] = [];
after(async () => {
  for (const p of started) await p.stop();
  for (const s of servers) s.close();
});

/** Starts `impulse dev` on the quickstart and waits for its banner; returns its metrics port too. */
async function startDev(args: string[]): Promise<CliProcess & { metricsPort: number }> {
  const p = spawnCli(["dev", "-f", quickstart, "--metrics-port", "0", ...args]);
  started.push(p);
  const m = await waitFor("the banner", () => {
    if (p.proc.exitCode !== null) throw new Error("impulse dev exited:\n" + p.output());
    return p.output().match(/Metrics: http:\/\/localhost:(\d+)\/metrics/) ?? false;
  }, 30_000);
  return { ...p, metricsPort: Number(m[1]) };
}

async function busyPort(): Promise<number> {
  const port = await freePort();
  const s = createServer();
  servers.push(s);
  await new Promise<void>((r) => s.listen(port, "127.0.0.1", r));
  return port;
}

it("takes over a lock left by a dead process, listens on 127.0.0.1 only, and refuses a second impulse dev on the same data dir", async () => {
  const dataDir = join(mkdtempSync(join(tmpdir(), "impulse-dev-lock-")), "nats");
  // A lock file whose process is gone (as after a crash or SIGKILL) must not block.
  const dead = spawnSync(process.execPath, ["-e", "process.pid"]).pid!;
  mkdirSync(dataDir, { recursive: true });
  writeFileSync(join(dataDir, "impulse-dev.pid"), `${dead}\n`);
  const webhookPort = await freePort();
  const first = await startDev(["--data-dir", dataDir, "--webhook-port", String(webhookPort)]);

  assert.deepEqual(listenAddresses(webhookPort), ["127.0.0.1"], "webhook on loopback only");
  assert.deepEqual(listenAddresses(first.metricsPort), ["127.0.0.1"], "metrics on loopback only");

  const second = runCli(["dev", "-f", quickstart, "--data-dir", dataDir, "--webhook-port", String(await freePort())]);
  assert.equal(second.status, 1, second.stdout + second.stderr);
  assert.match(second.stderr, new RegExp(`in use by another impulse dev \\(PID ${first.proc.pid}\\).*--data-dir`));
  assert.ok(!second.stdout.includes("started local nats-server"), second.stdout);
  assert.equal(await first.stop("SIGINT"), 0, first.output());
});

it("--listen-address 0.0.0.0 opens the webhook and metrics to every interface, not the HTTP API", async () => {
  const webhookPort = await freePort();
  const p = await startDev(["--data-dir", join(mkdtempSync(join(tmpdir(), "impulse-dev-listen-")), "nats"), "--webhook-port", String(webhookPort), "--listen-address", "0.0.0.0"]);
  assert.deepEqual(listenAddresses(webhookPort), ["0.0.0.0"]);
  assert.deepEqual(listenAddresses(p.metricsPort), ["0.0.0.0"]);
  // The HTTP API has no authentication under impulse dev: loopback whatever --listen-address says.
  const apiPort = Number(/API: http:\/\/127\.0\.0\.1:(\d+)\/api\/v1\/events/.exec(p.output())?.[1]);
  assert.ok(apiPort > 0, p.output());
  assert.deepEqual(listenAddresses(apiPort), ["127.0.0.1"]);
  const events = await fetch(`http://127.0.0.1:${apiPort}/api/v1/events`);
  assert.equal(events.status, 200, await events.clone().text());
  assert.deepEqual(await events.json(), { items: [] });
  assert.equal(await p.stop("SIGTERM"), 0, p.output());
});

it("--no-api serves no HTTP API", async () => {
  const p = await startDev(["--data-dir", join(mkdtempSync(join(tmpdir(), "impulse-dev-noapi-")), "nats"), "--webhook-port", String(await freePort()), "--no-api"]);
  assert.doesNotMatch(p.output(), /API: http/);
  assert.equal(await p.stop("SIGTERM"), 0, p.output());
});

it("impulse sensor, as a pod runs it, keeps listening on every interface", async () => {
  const nats = await startNats();
  try {
    const metricsPort = await freePort();
    const p = spawnCli(["sensor", join(quickstart, "sensor.yaml"), "--nats-url", nats.url, "--metrics-port", String(metricsPort)]);
    started.push(p);
    await waitHealthy(p, metricsPort);
    assert.deepEqual(listenAddresses(metricsPort), ["0.0.0.0"]);
    assert.equal(await p.stop("SIGTERM"), 0, p.output());
  } finally {
    await nats.stop();
  }
});

it("a busy webhook port is one error naming the port, its field and --webhook-port, with no bus noise before it", async () => {
  const port = await busyPort();
  const r = runCli(["dev", "-f", quickstart, "--data-dir", join(mkdtempSync(join(tmpdir(), "impulse-dev-busy-")), "nats"), "--webhook-port", String(port)]);
  const out = r.stdout + r.stderr;
  assert.equal(r.status, 1, out);
  assert.match(r.stderr, new RegExp(`webhook port ${port} is already in use: change spec\\.webhook\\.example\\.port \\(impulse dev: --webhook-port <port>\\)`));
  assert.equal(out.split("\n").filter((l) => l.includes("already in use")).length, 1, out);
  assert.ok(!out.includes("event bus disconnected"), out);
  // The nats-server it had started is stopped too.
  const natsPid = Number(/"natsPid":(\d+)/.exec(out)?.[1]);
  assert.ok(natsPid > 0, out);
  await waitFor("nats-server gone", () => !processAlive(natsPid), 5_000);
});

it("a busy metrics port is one error naming --metrics-port, not a crash", async () => {
  const port = await busyPort();
  const r = runCli(["dev", "-f", quickstart, "--data-dir", join(mkdtempSync(join(tmpdir(), "impulse-dev-metrics-")), "nats"), "--webhook-port", String(await freePort()), "--metrics-port", String(port)]);
  assert.equal(r.status, 1, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`metrics port ${port} is already in use: pass --metrics-port`));
  assert.ok(!(r.stdout + r.stderr).includes("Cannot read properties"), r.stderr);
});

it("pod-to-lambda without a kubeconfig: one error naming --kubeconfig and KUBECONFIG, never 'eventsource ready'", async () => {
  const home = mkdtempSync(join(tmpdir(), "impulse-no-kube-"));
  const env: NodeJS.ProcessEnv = { ...process.env, HOME: home, NATS_SERVER_BIN: findNatsServer(process.env["NATS_SERVER_BIN"], process.env["PATH"]) ?? "" };
  delete env["KUBECONFIG"];
  delete env["KUBERNETES_SERVICE_HOST"];
  const r = runCli(["dev", "-f", join(repoRoot, "manifests/examples/pod-to-lambda"), "--data-dir", join(home, "nats")], { env });
  const out = r.stdout + r.stderr;
  assert.equal(r.status, 1, out);
  assert.match(r.stderr, /no Kubernetes configuration.*--kubeconfig.*KUBECONFIG/);
  assert.ok(!out.includes("eventsource ready"), out);
  assert.ok(!out.includes("HTTP protocol is not allowed"), out);
  assert.ok(!out.includes("started local nats-server"), "fails before starting anything: " + out);

  const missing = runCli(["dev", "-f", join(repoRoot, "manifests/examples/pod-to-lambda"), "--data-dir", join(home, "nats"), "--kubeconfig", join(home, "nope.yaml")], { env });
  assert.equal(missing.status, 1, missing.stdout + missing.stderr);
  assert.match(missing.stderr, /kubeconfig .*nope\.yaml is not usable.*--kubeconfig/);
});

it("pod-to-lambda against an API server that does not answer: says the source is not ready and why, and the banner says what triggers it", async () => {
  const home = mkdtempSync(join(tmpdir(), "impulse-dead-kube-"));
  const kubeconfig = join(home, "kubeconfig");
  writeFileSync(
    kubeconfig,
    JSON.stringify({
      apiVersion: "v1",
      kind: "Config",
      clusters: [{ name: "gone", cluster: { server: `https://127.0.0.1:${await freePort()}`, "insecure-skip-tls-verify": true } }],
      users: [{ name: "u", user: { token: "t" } }],
      contexts: [{ name: "c", context: { cluster: "gone", user: "u" } }],
      "current-context": "c",
    }),
  );
  const p = spawnCli(["dev", "-f", join(repoRoot, "manifests/examples/pod-to-lambda"), "--data-dir", join(home, "nats"), "--kubeconfig", kubeconfig, "--metrics-port", "0"], {
    IMPULSE_SECRET_AWS_CREDENTIALS_ACCESSKEY: "AKIDEXAMPLE",
    IMPULSE_SECRET_AWS_CREDENTIALS_SECRETKEY: "example",
  });
  started.push(p);
  await waitFor("not-ready warning", () => {
    if (p.proc.exitCode !== null) throw new Error("impulse dev exited:\n" + p.output());
    return p.output().includes("eventsource started but not ready");
  }, 30_000);
  await waitFor("banner", () => p.output().includes("Press Ctrl-C to stop."), 30_000);
  const out = p.output();
  assert.ok(!out.includes('"eventsource ready"'), out);
  assert.match(out, /pods\/created: create pods \(v1\) in namespace default labelled app==my-pod/);
  assert.equal(await p.stop("SIGINT"), 0, p.output());
});
