// The directory watch when the bus refuses: the change is published again, with the same id, until it is stored.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import pino from "pino";
import type { Emission } from "../../define.js";
import { memoryListingStore } from "./listing-store.js";
import { runFileWatch } from "./watcher.js";


it("retries a change the bus did not store, with the same id, and reports the outage on health", async () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-file-unit-"));
  const attempts: Emission[] = [];
  const health: boolean[] = [];
  const ac = new AbortController();
  let stored: Emission | undefined;
  const w = runFileWatch(
    {
      eventSourceName: "es",
      eventName: "new",
      config: { eventType: "CREATE", watchPathConfig: { directory: dir, path: "a.txt" } },
      store: memoryListingStore(),
      logger: pino({ level: "silent" }),
      health: (s) => health.push(s.healthy),
      emit: async (e) => {
        attempts.push(e);
        if (attempts.length <= 2) throw new Error("bus down");
        stored = e;
        ac.abort();
        return { id: e.id!, duplicate: false };
      },
    },
    ac.signal,
  );
  await w.ready;
  writeFileSync(join(dir, "a.txt"), "x");
  await w.done;
  rmSync(dir, { recursive: true, force: true });
  assert.equal(attempts.length, 3);
  assert.equal(new Set(attempts.map((a) => a.id)).size, 1, "one id for every attempt");
  assert.deepEqual(stored?.data, { name: join(dir, "a.txt"), op: 1 });
  assert.ok(health.includes(false), "the outage showed on health");
  assert.equal(health.at(-1), true, "healthy again once stored");
});
