import assert from "node:assert/strict";
import { it } from "node:test";
import { limiterFor, SlidingWindowLimiter, type Clock } from "./rate-limit.js";

function fakeClock(): Clock & { t: number } {
  const c = {
    t: 0,
    now: () => c.t,
    sleep: async (ms: number) => void (c.t += ms),
  };
  return c;
}

it("never lets more than the limit through in any sliding window, even after an idle period", async () => {
  const clock = fakeClock();
  const lim = new SlidingWindowLimiter(3, 1000, clock);
  const grants: number[] = [];
  const signal = new AbortController().signal;
  clock.t = 10_000; // long idle: a token bucket with slack would allow a burst here
  for (let i = 0; i < 10; i++) {
    await lim.acquire(signal);
    grants.push(clock.now());
  }
  for (const start of grants) assert.ok(grants.filter((g) => g >= start && g < start + 1000).length <= 3, `window at ${start}`);
  assert.deepEqual(grants.slice(0, 4), [10_000, 10_000, 10_000, 11_000]);
});

it("reads Argo's unit and requestsPerUnit; 0 means no limit", () => {
  assert.equal(limiterFor(undefined), undefined);
  assert.equal(limiterFor({ unit: "Minute", requestsPerUnit: 0 }), undefined);
  const l = limiterFor({ unit: "Minute", requestsPerUnit: 3 })!;
  assert.equal(l.limit, 3);
  assert.equal(l.windowMs, 60_000);
  assert.equal(limiterFor({ requestsPerUnit: 5 })!.windowMs, 1000);
});

it("stops waiting when the sensor shuts down", async () => {
  const lim = new SlidingWindowLimiter(1, 60_000);
  const ac = new AbortController();
  await lim.acquire(ac.signal);
  const waiting = lim.acquire(ac.signal);
  ac.abort(new Error("shutdown"));
  await assert.rejects(waiting, /shutdown/);
});
