// Argo's pulsar event data shape, Go's publishTime format, poison bodies and stable event ids.
import assert from "node:assert/strict";
import { it } from "node:test";
import { PoisonMessage } from "../shared/poison.js";
import { goUtcTimeString, pulsarEventData, pulsarEventId } from "./data.js";

const m = { messageId: "CAMQADAA", payload: Buffer.from('{"a":1}').toString("base64"), publishTime: "2026-11-30T05:30:00.095Z", key: "k1" };

it("writes publishTime as Go's time.String() of the UTC instant, trailing zeros of the fraction dropped", () => {
  assert.equal(goUtcTimeString("2026-11-30T05:30:00.095Z"), "2026-11-30 05:30:00.095 +0000 UTC");
  assert.equal(goUtcTimeString("2026-11-30T05:30:00.100Z"), "2026-11-30 05:30:00.1 +0000 UTC");
  assert.equal(goUtcTimeString("2026-11-30T05:30:00.000Z"), "2026-11-30 05:30:00 +0000 UTC");
});

it("has Argo's data shape: key, publishTime, body (base64 without jsonBody, parsed with it), metadata when set", () => {
  assert.deepEqual(pulsarEventData(m, false, undefined), { key: "k1", publishTime: "2026-11-30 05:30:00.095 +0000 UTC", body: m.payload });
  assert.deepEqual(pulsarEventData({ ...m, key: undefined } as never, true, { team: "a" }), { key: "", publishTime: "2026-11-30 05:30:00.095 +0000 UTC", body: { a: 1 }, metadata: { team: "a" } });
});

it("counts a body that is not JSON as poison with jsonBody", () => {
  assert.throws(() => pulsarEventData({ ...m, payload: Buffer.from("nope {").toString("base64") }, true, undefined), PoisonMessage);
});

it("keeps one id per message across redeliveries, distinct per event and topic", () => {
  assert.equal(pulsarEventId("es", "e", "t", "CAMQADAA"), pulsarEventId("es", "e", "t", "CAMQADAA"));
  assert.notEqual(pulsarEventId("es", "e", "t", "CAMQADAA"), pulsarEventId("es", "e2", "t", "CAMQADAA"));
});
