// The kit's server launcher: a server that dies or cannot be spawned fails the wait at once, saying why.
import assert from "node:assert/strict";
import { it } from "node:test";
import { stopProcess } from "@impulse/bus";
import { OutputTail, spawnServer, untilReady } from "../../kit/server-process.js";

it("a server that exits during start-up fails the wait with its exit code and last output, well before the deadline", async () => {
  const server = spawnServer(process.execPath, ["-e", "console.error('bad config: no port'); process.exit(3)"]);
  const started = Date.now();
  await assert.rejects(untilReady("demo", server, () => false, { timeoutMs: 60_000 }), /demo exited with code 3 during start-up:\nbad config: no port/);
  assert.ok(Date.now() - started < 30_000);
});

it("a binary that is not installed fails the wait naming the spawn error", async () => {
  const server = spawnServer("/nonexistent/impulse-test-server", []);
  await assert.rejects(untilReady("demo", server, () => false), /demo could not be started \(spawn \/nonexistent\/impulse-test-server ENOENT/);
});

it("probes that throw count as not ready; the wait returns once one answers true, and the deadline names the server", async () => {
  const server = spawnServer(process.execPath, ["-e", "console.log('up'); setInterval(() => {}, 1000)"]);
  try {
    let calls = 0;
    await untilReady("demo", server, () => {
      if (++calls < 3) throw new Error("connection refused");
      return server.output().includes("up");
    }, { intervalMs: 10 });
    assert.ok(calls >= 3);
    await assert.rejects(untilReady("demo", server, () => false, { timeoutMs: 50, intervalMs: 10 }), /demo did not become ready within 50 ms:\nup/);
  } finally {
    await stopProcess(server.proc);
  }
});

it("keeps only the tail of a chatty server's output", () => {
  const tail = new OutputTail(1000);
  for (let i = 0; i < 1000; i++) tail.append(`line ${i}\n`);
  const text = tail.toString();
  assert.ok(text.length <= 1000, String(text.length));
  assert.ok(text.endsWith("line 999\n"));
  assert.ok(!text.startsWith("line 0\n"));
});
