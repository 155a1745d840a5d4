// `impulse dev` warns at start about a Sensor dependency that names no EventSource/event among its files (issue 10 item 16).
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { freePort } from "@impulse/bus";
import { repoRoot, spawnCli } from "../../kit/cli.js";
import { waitFor } from "../../kit/wait.js";

it("warns, naming the nearest EventSource, when a dependency's eventSourceName is a typo", async () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-dev-crosscheck-"));
  cpSync(join(repoRoot, "manifests/examples/quickstart"), dir, { recursive: true });
  const port = await freePort();
  const esFile = join(dir, "eventsource.yaml");
  writeFileSync(esFile, readFileSync(esFile, "utf8").replaceAll("12000", String(port)));
  const sensorFile = join(dir, "sensor.yaml");
  writeFileSync(sensorFile, readFileSync(sensorFile, "utf8").replace("eventSourceName: webhook", "eventSourceName: webhok"));

  const p = spawnCli(["dev", "-f", dir, "--data-dir", join(dir, "nats"), "--metrics-port", "0"]);
  try {
    const line = await waitFor("cross-check warning", () => p.output().split("\n").find((l) => l.includes("warning: spec.dependencies[0].eventSourceName")), 30_000);
    assert.match(line, /no EventSource "webhok" among the files; did you mean "webhook"\?/);
    await waitFor("started", () => p.output().includes("Press Ctrl-C to stop."), 30_000);
  } finally {
    await p.stop("SIGINT");
  }
});
