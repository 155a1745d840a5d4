// `impulse dev` stopped by SIGINT/SIGTERM at each moment of its start-up: it stops everything it started, once.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { freePort } from "@impulse/bus";
import { repoRoot, spawnCli, type CliProcess } from "../../kit/cli.js";
import { childPids, processAlive, processName } from "../../kit/procs.js";
import { waitFor } from "../../kit/wait.js";

const quickstart = join(repoRoot, "manifests/examples/quickstart");

/** The nats-server child of `impulse dev`, once spawned. */
function natsChild(p: CliProcess): number | undefined {
  return childPids(p.proc.pid!).find((c) => processName(c) === "nats-server");
}

/** Start-up moments, each a condition on the process that is true just after it. */
const moments: [string, (p: CliProcess) => unknown][] = [
  ["just after nats-server was spawned", (p) => natsChild(p)],
  ["after 'started local nats-server'", (p) => p.output().includes("started local nats-server")],
  ["after 'connected to event bus'", (p) => p.output().includes("connected to event bus")],
  ["after 'webhook server listening'", (p) => p.output().includes("webhook server listening")],
  ["after 'eventsource ready'", (p) => p.output().includes("eventsource ready")],
  ["after 'sensor ready'", (p) => p.output().includes("sensor ready")],
  ["after the banner", (p) => p.output().includes("Press Ctrl-C to stop.")],
];

// Both signals at the two moments that used to leak or hang; alternating after that, to keep the suite short.
for (const [i, [moment, reached]] of moments.entries()) {
  for (const signal of i < 2 ? (["SIGINT", "SIGTERM"] as const) : i % 2 ? (["SIGINT"] as const) : (["SIGTERM"] as const)) {
    it(`${signal} ${moment}: exits 0 with its nats-server stopped, the data dir unlocked, and nothing started after "shutting down"`, async () => {
      const dir = mkdtempSync(join(tmpdir(), `impulse-dev-signal-${i}-`));
      const dataDir = join(dir, "nats");
      const p = spawnCli(["dev", "-f", quickstart, "--data-dir", dataDir, "--webhook-port", String(await freePort()), "--metrics-port", "0", "--log-format", "json"]);
      let nats: number | undefined;
      try {
        await waitFor(moment, () => {
          if (p.proc.exitCode !== null) throw new Error("impulse dev exited early:\n" + p.output());
          nats ??= natsChild(p);
          return reached(p);
        }, 30_000);
        nats ??= natsChild(p);
        const code = await p.stop(signal);
        assert.equal(code, 0, p.output());
      } finally {
        if (p.proc.exitCode === null && p.proc.signalCode === null) p.proc.kill("SIGKILL");
      }
      assert.ok(nats, "a nats-server child was seen");
      await waitFor("nats-server gone", () => !processAlive(nats!), 5_000).catch(() => assert.fail(`nats-server ${nats} still running after impulse dev exited:\n${p.output()}`));
      const out = p.output();
      const afterShutdown = out.slice(out.indexOf('"shutting down"'));
      if (out.includes('"shutting down"')) {
        assert.equal(out.split('"shutting down"').length - 1, 1, "shut down once");
        for (const late of ["connected to event bus", "eventsource ready", "sensor ready", "Impulse is running"]) assert.ok(!afterShutdown.includes(late), `"${late}" logged after "shutting down":\n${out}`);
      }
      assert.ok(!existsSync(join(dataDir, "impulse-dev.pid")), "the data dir lock is released");
    });
  }
}
