import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PoisonMessage } from "../shared/poison.js";
import { mqttEventData, UnackedIds } from "./message.js";

describe("mqtt message → event data", () => {
  it("has Argo's MQTTEventData fields: JSON body with jsonBody, base64 without, metadata when set", () => {
    assert.deepEqual(mqttEventData("a/b", 7, Buffer.from('{"x":1}'), true, { team: "t" }), { topic: "a/b", messageId: 7, body: { x: 1 }, metadata: { team: "t" } });
    assert.deepEqual(mqttEventData("a/b", undefined, Buffer.from("hi"), false, undefined), { topic: "a/b", messageId: 0, body: "aGk=" });
  });

  it("calls a payload that is not JSON poison when jsonBody is set", () => {
    assert.throws(() => mqttEventData("t", 1, Buffer.from("nope {"), true, undefined), PoisonMessage);
  });
});

describe("UnackedIds", () => {
  it("gives a resent message (DUP) the id its first delivery was stored under, once", () => {
    const ids = new UnackedIds();
    const k = UnackedIds.key("t", 3, Buffer.from("p"));
    ids.remember(k, "e1");
    assert.equal(ids.take(k, true), "e1");
    assert.equal(ids.take(k, true), undefined);
  });

  it("never reuses an id for a fresh message that happens to get the same packet id and payload", () => {
    const ids = new UnackedIds();
    const k = UnackedIds.key("t", 3, Buffer.from("p"));
    ids.remember(k, "e1");
    assert.equal(ids.take(k, false), undefined);
    assert.equal(ids.take(k, true), undefined);
  });

  it("keys on topic, packet id and payload, and stays bounded", () => {
    assert.notEqual(UnackedIds.key("t", 3, Buffer.from("p")), UnackedIds.key("t", 4, Buffer.from("p")));
    assert.notEqual(UnackedIds.key("t", 3, Buffer.from("p")), UnackedIds.key("u", 3, Buffer.from("p")));
    const ids = new UnackedIds(2);
    for (const n of [1, 2, 3]) ids.remember(`k${n}`, `e${n}`);
    assert.equal(ids.take("k1", true), undefined);
    assert.equal(ids.take("k3", true), "e3");
  });
});
