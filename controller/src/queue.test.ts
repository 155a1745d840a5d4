// Work queue: no key runs twice at once, a key added during its run runs again after, retries back off per key.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { WorkQueue } from "./queue.js";

const tick = () => new Promise((r) => setTimeout(r, 5));

describe("work queue", () => {
  it("deduplicates queued keys and never runs one key in two workers", async () => {
    const q = new WorkQueue();
    const ac = new AbortController();
    const runs: string[] = [];
    let inA = 0;
    let maxInA = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const done = q.run(2, async (key) => {
      runs.push(key);
      if (key === "a") {
        inA++;
        maxInA = Math.max(maxInA, inA);
        if (runs.length === 1) await gate;
        inA--;
      }
    }, ac.signal);
    q.add("a");
    await tick();
    q.add("a"); // while "a" runs: queued once more
    q.add("a");
    q.add("b");
    await tick();
    assert.deepEqual(runs, ["a", "b"]);
    release();
    await tick();
    assert.deepEqual(runs, ["a", "b", "a"]);
    assert.equal(maxInA, 1);
    ac.abort();
    await done;
  });

  it("backs off per key and resets after success", () => {
    const q = new WorkQueue({ baseDelayMs: 100, maxDelayMs: 350 });
    assert.deepEqual([q.retry("k"), q.retry("k"), q.retry("k"), q.retry("other")], [100, 200, 350, 100]);
    q.forget("k");
    assert.equal(q.retry("k"), 100);
    // Timers are unref'd and cleared by run(); clear them here by running an aborted queue.
    const ac = new AbortController();
    ac.abort();
    return q.run(1, async () => undefined, ac.signal);
  });
});
