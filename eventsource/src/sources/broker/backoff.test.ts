import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { MAX_RECONNECT_DELAY_MS, reconnectDelay } from "./backoff.js";

describe("reconnectDelay", () => {
  it("grows from Argo's duration by its factor, with jitter on top, and never past the cap", () => {
    const b = { duration: "200ms", factor: 2, jitter: 0.5 };
    assert.deepEqual([0, 1, 2].map((a) => reconnectDelay(b, a, () => 0)), [200, 400, 800]);
    assert.equal(reconnectDelay(b, 0, () => 1), 300);
    assert.equal(reconnectDelay(b, 40, () => 1), MAX_RECONNECT_DELAY_MS);
  });

  it("defaults to 1s doubling when no backoff is given, and takes nanoseconds as Argo does", () => {
    assert.deepEqual([0, 1].map((a) => reconnectDelay(undefined, a, () => 0)), [1000, 2000]);
    assert.equal(reconnectDelay({ duration: 10_000_000_000 }, 0, () => 0), 10_000);
  });
});
