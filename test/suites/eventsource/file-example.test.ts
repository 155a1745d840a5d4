// The file example (manifests/examples/file), run as pods run it: a new CSV file reaches the import service.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import type { NatsServer } from "@impulse/bus";
import { repoRoot, startRuntime, type CliProcess } from "../../kit/cli.js";
import { adaptExample } from "../../kit/examples.js";
import { startNats } from "../../kit/nats.js";
import { startSink, type Sink } from "../../kit/sink.js";
import { waitFor } from "../../kit/wait.js";

let nats: NatsServer;
let sink: Sink;
const procs: CliProcess[] = [];
const dir = mkdtempSync(join(tmpdir(), "impulse-file-example-"));

before(async () => {
  [nats, sink] = await Promise.all([startNats(), startSink()]);
});
after(async () => {
  for (const p of procs) await p.stop();
  await sink.close();
  await nats.stop();
  rmSync(dir, { recursive: true, force: true });
});

it("posts the path of each new CSV file, and nothing for other files", async () => {
  const inbox = join(dir, "inbox");
  const example = join(repoRoot, "manifests/examples/file");
  adaptExample(join(example, "eventsource.yaml"), join(dir, "eventsource.yaml"), [["/data/inbox/", `${inbox}/`]]);
  adaptExample(join(example, "sensor.yaml"), join(dir, "sensor.yaml"), [["http://localhost:8090/imports", `${sink.url}/imports`]]);
  const common = ["--nats-url", nats.url, "--namespace", "file-example", "--log-level", "warn"];
  await startRuntime("sensor", join(dir, "sensor.yaml"), common, procs);
  mkdirSync(inbox);
  await startRuntime("eventsource", join(dir, "eventsource.yaml"), common, procs);

  writeFileSync(join(inbox, "notes.txt"), "ignored");
  writeFileSync(join(inbox, "orders-2026.csv"), "id,amount\n1,20\n");
  const [req] = await waitFor("the import request", () => sink.received.length > 0 && sink.received, 30_000);
  assert.deepEqual(req!.json, { path: join(inbox, "orders-2026.csv"), pipeline: "imports" });
  assert.equal(sink.received.length, 1);
});
