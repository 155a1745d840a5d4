// The serial queue handles pushed items one at a time, in order, and survives a throwing handler.
import assert from "node:assert/strict";
import { test } from "node:test";
import { serialQueue } from "./serial.js";

test("handles items one at a time, in push order, going on after a handler error", async () => {
  const seen: number[] = [];
  const errors: unknown[] = [];
  let active = 0;
  const q = serialQueue<number>(
    async (n) => {
      active++;
      assert.equal(active, 1, "never two at once");
      await new Promise((r) => setTimeout(r, 1));
      active--;
      if (n === 2) throw new Error("boom");
      seen.push(n);
    },
    (e) => errors.push(e),
  );
  for (const n of [1, 2, 3, 4]) q.push(n);
  await q.idle();
  assert.deepEqual(seen, [1, 3, 4]);
  assert.equal(errors.length, 1);
});
