import assert from "node:assert/strict";
import { it } from "node:test";
import { brokerList, retryFromBackoff } from "./client.js";

it("maps Argo's connectionBackoff onto the client's retry settings", () => {
  assert.deepEqual(retryFromBackoff(undefined), { initialRetryTime: 1000, multiplier: 2, factor: 0.2, retries: 5, maxRetryTime: 30_000 });
  // Integer durations are nanoseconds, as in Argo; factor 1 keeps the delay constant; jitter is clamped to 0..1.
  assert.deepEqual(retryFromBackoff({ duration: 500_000_000, factor: 1, jitter: 3, steps: 2 }), { initialRetryTime: 500, multiplier: 1, factor: 1, retries: 2, maxRetryTime: 30_000 });
  assert.equal(retryFromBackoff({ duration: "10ms" }).initialRetryTime, 50, "floored so a typo cannot hammer the brokers");
});

it("splits and trims the broker list", () => {
  assert.deepEqual(brokerList("a:1, b:2,"), ["a:1", "b:2"]);
});
