// Redis pub/sub event data keeps Argo's shape; glob characters make a channel a pattern.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PoisonMessage } from "../shared/poison.js";
import { isPattern, redisEventData } from "./data.js";

test("body is the text, or parsed JSON with jsonBody; pattern is empty for a plain channel", () => {
  assert.deepEqual(redisEventData({ channel: "c", payload: "hi" }, false, undefined), { channel: "c", pattern: "", body: "hi" });
  assert.deepEqual(redisEventData({ channel: "c.1", pattern: "c.*", payload: '{"a":1}' }, true, { k: "v" }), {
    channel: "c.1",
    pattern: "c.*",
    body: { a: 1 },
    metadata: { k: "v" },
  });
  assert.throws(() => redisEventData({ channel: "c", payload: "{" }, true, undefined), PoisonMessage);
});

test("channels with *, ? or [ are patterns", () => {
  assert.deepEqual(["orders", "orders.*", "h?llo", "h[ae]llo", "a.b"].map(isPattern), [false, true, true, true, false]);
});
