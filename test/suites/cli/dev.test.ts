// `impulse dev` on the quickstart example (what `npm start` runs): the printed curl produces a logged event.
import assert from "node:assert/strict";
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { freePort } from "@impulse/bus";
import { request } from "undici";
import { repoRoot, spawnCli } from "../../kit/cli.js";
import { waitFor } from "../../kit/wait.js";

it("runs the quickstart: the printed curl command's message shows up in the log trigger output, and Ctrl-C stops cleanly", async () => {
  // The example's port 12000 may be taken on a shared machine: run a copy on a free port.
  const dir = mkdtempSync(join(tmpdir(), "impulse-quickstart-"));
  cpSync(join(repoRoot, "manifests/examples/quickstart"), dir, { recursive: true });
  const port = await freePort();
  const esFile = join(dir, "eventsource.yaml");
  writeFileSync(esFile, readFileSync(esFile, "utf8").replaceAll("12000", String(port)));

  const p = spawnCli(["dev", "-f", dir, "--data-dir", join(dir, "nats"), "--metrics-port", "0"]);
  try {
    const curl = await waitFor("printed curl command", () => p.output().match(/curl -X POST -H 'Content-Type: application\/json' -d '(.*)' (http:\/\/localhost:\d+\/example)/), 30_000);
    assert.ok(curl);
    assert.equal(curl[2], `http://localhost:${port}/example`);
    const res = await request(curl[2]!.replace("localhost", "127.0.0.1"), { method: "POST", headers: { "content-type": "application/json" }, body: '{"message":"hello from the test"}' });
    assert.equal(res.statusCode, 200);
    await res.body.dump();
    const line = await waitFor("log trigger line", () => p.output().split("\n").find((l) => l.includes("log trigger fired") && l.includes("hello from the test")));
    const logged = JSON.parse(line) as { events: { payload: { data: { body: { message: string } } } }; eventId: string };
    assert.equal(logged.events.payload.data.body.message, "hello from the test");
    assert.match(logged.eventId, /^[0-9a-f]{32}$/);
  } finally {
    const code = await p.stop("SIGINT");
    assert.equal(code, 0, p.output().slice(-2000));
  }
});
