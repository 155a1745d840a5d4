import assert from "node:assert/strict";
import { it } from "node:test";
import { ErrorCodes, ImpulseError } from "@impulse/api";
import { DEFAULT_RETRY, delayAfter, retryPlan, withRetry } from "./retry.js";

it("reads Argo's retryStrategy, with steps 0 meaning 5 and int durations in nanoseconds", () => {
  assert.deepEqual(retryPlan({ steps: 0, duration: 2_000_000_000, factor: 2, jitter: 0 }), { steps: 5, durationMs: 2000, factor: 2, jitter: 0 });
  assert.deepEqual(retryPlan(undefined), DEFAULT_RETRY);
  assert.equal(retryPlan({ duration: "250ms" }).durationMs, 250);
});

it("grows delays by factor and adds at most jitter × delay", () => {
  const plan = { steps: 4, durationMs: 100, factor: 2, jitter: 0.5 };
  assert.equal(delayAfter(plan, 1, () => 0), 100);
  assert.equal(delayAfter(plan, 3, () => 0), 400);
  assert.equal(delayAfter(plan, 3, () => 1), 600);
});

it("retries up to steps, and stops at once on a non-retryable error", async () => {
  const plan = { steps: 3, durationMs: 1, factor: 1, jitter: 0 };
  let calls = 0;
  await assert.rejects(
    withRetry(plan, new AbortController().signal, async () => {
      calls++;
      throw new Error("boom");
    }),
    /boom/,
  );
  assert.equal(calls, 3);
  calls = 0;
  await assert.rejects(
    withRetry(plan, new AbortController().signal, async () => {
      calls++;
      throw new ImpulseError(ErrorCodes.ParameterFailed, "bad parameter");
    }),
  );
  assert.equal(calls, 1);
  calls = 0;
  const r = await withRetry(plan, new AbortController().signal, async (attempt) => {
    calls++;
    if (attempt < 2) throw new Error("once");
    return "ok";
  });
  assert.equal(r, "ok");
  assert.equal(calls, 2);
});

it("KeyedMutex runs one key in order, other keys alongside, and forgets drained keys", async () => {
  const { KeyedMutex } = await import("./mutex.js");
  const m = new KeyedMutex();
  const log: string[] = [];
  const step = (name: string, ms: number) => () => new Promise<void>((r) => setTimeout(() => (log.push(name), r()), ms));
  await Promise.all([m.run("a", step("a1", 30)), m.run("a", step("a2", 0)), m.run("b", step("b1", 0))]);
  assert.deepEqual(log, ["b1", "a1", "a2"]);
  await new Promise((r) => setTimeout(r, 0));
  assert.equal(m.size, 0);
});
