// Redis stream event data keeps Argo's shape (stream, message_id, values); ids are stable per entry.
import assert from "node:assert/strict";
import { test } from "node:test";
import { redisStreamEventData, redisStreamEventId } from "./data.js";

test("values map the entry's fields; metadata only when set", () => {
  assert.deepEqual(redisStreamEventData("s", "1-0", ["a", "1", "b", '{"x":2}'], undefined), { stream: "s", message_id: "1-0", values: { a: "1", b: '{"x":2}' } });
  assert.deepEqual(redisStreamEventData("s", "2-5", [], { k: "v" }), { stream: "s", message_id: "2-5", values: {}, metadata: { k: "v" } });
});

test("the id names the EventSource, event, server, db, stream and entry", () => {
  assert.equal(redisStreamEventId("es", "e", "127.0.0.1:6379", 0, "orders", "1700000000000-3"), "es:e:127.0.0.1:6379/0:orders:1700000000000-3");
});
