// NSQ event data keeps Argo's shape (body, timestamp in nanoseconds as text, nsqdAddress, metadata); ids are stable.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PoisonMessage } from "../shared/poison.js";
import { nsqEventData, nsqEventId } from "./data.js";

const m = { id: "0f2a1b3c4d5e6f70", body: Buffer.from('{"a":1}'), timestamp: 1767225600123456789n, nsqdAddress: "nsqd-0:4150" };

test("Argo's fields: a JSON body parsed with jsonBody, the timestamp as nanoseconds text, metadata only when set", () => {
  assert.deepEqual(nsqEventData(m, true, undefined), { body: { a: 1 }, timestamp: "1767225600123456789", nsqdAddress: "nsqd-0:4150" });
  assert.deepEqual(nsqEventData(m, true, { k: "v" })["metadata"], { k: "v" });
});

test("without jsonBody the body is base64 of the bytes, as Go marshals []byte; with it, text that is not JSON is poison", () => {
  assert.equal(nsqEventData({ ...m, body: Buffer.from("hi") }, false, undefined)["body"], "aGk=");
  assert.throws(() => nsqEventData({ ...m, body: Buffer.from("not json {") }, true, undefined), PoisonMessage);
});

test("the id names the EventSource, event, topic, channel and message", () => {
  assert.equal(nsqEventId("es", "e", "orders", "impulse", "0f2a"), "es:e:orders/impulse:0f2a");
});
