// Pub/Sub event data keeps Argo's shape (id, body, attributes, publishTime as Go prints it, metadata); ids are stable.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PoisonMessage } from "../shared/poison.js";
import { defaultSubscriptionId, goTimeString, pubSubEventData, pubSubEventId } from "./data.js";

const m = { id: "42", data: Buffer.from('{"a":1}'), attributes: { k: "v" }, publishTimeNanos: 1796017200123456789n };

test("publishTime is Go's time.String() of the UTC time, trailing zeros of the fraction dropped", () => {
  assert.equal(goTimeString(1796017200123456789n), "2026-11-30 05:40:00.123456789 +0000 UTC");
  assert.equal(goTimeString(1796017200120000000n), "2026-11-30 05:40:00.12 +0000 UTC");
  assert.equal(goTimeString(1796017200000000000n), "2026-11-30 05:40:00 +0000 UTC");
});

test("Argo's fields; a JSON body parsed with jsonBody; base64 without; not JSON is poison", () => {
  assert.deepEqual(pubSubEventData(m, true, { t: "x" }), { id: "42", body: { a: 1 }, attributes: { k: "v" }, publishTime: "2026-11-30 05:40:00.123456789 +0000 UTC", metadata: { t: "x" } });
  assert.equal(pubSubEventData({ ...m, data: Buffer.from("hi") }, false, undefined)["body"], "aGk=");
  assert.throws(() => pubSubEventData({ ...m, data: Buffer.from("nope {") }, true, undefined), PoisonMessage);
});

test("ids and default subscription ids are stable", () => {
  assert.equal(pubSubEventId("es", "e", "projects/p/subscriptions/s", "42"), "es:e:projects/p/subscriptions/s:42");
  assert.equal(defaultSubscriptionId("e", { topic: "t" }), defaultSubscriptionId("e", { topic: "t" }));
  assert.match(defaultSubscriptionId("e", { topic: "t" }), /^e-[0-9a-f]{16}$/);
});
