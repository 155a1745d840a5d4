// Reconnect delays follow Argo's connectionBackoff and keep going (capped) past its steps.
import assert from "node:assert/strict";
import { test } from "node:test";
import { reconnectDelayMs } from "./backoff.js";

test("starts at duration, multiplies by factor up to steps, caps at 30s, adds jitter", () => {
  const noJitter = () => 0;
  const b = { duration: "200ms", factor: 2, steps: 3 };
  assert.deepEqual([0, 1, 2, 3, 9].map((a) => reconnectDelayMs(b, a, noJitter)), [200, 400, 800, 800, 800]);
  assert.equal(reconnectDelayMs(undefined, 0, noJitter), 1000);
  assert.equal(reconnectDelayMs({ duration: "20s", factor: 4, steps: 9 }, 5, noJitter), 30_000);
  assert.equal(reconnectDelayMs({ duration: "1s", jitter: 0.5 }, 0, () => 1), 1500);
});
