import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { goTimeString, kafkaEventData, kafkaEventId, PoisonRecord, recordBody, recordHeaders } from "./record.js";

describe("kafka record → Argo event data", () => {
  it("builds Argo's id from the first broker, topic, partition and offset", () => {
    assert.equal(kafkaEventId("es", "orders", "b1:9092, b2:9092", "t", 2, "17"), "es:orders:b1:9092:t:2:17");
  });

  it("prints timestamps as Go's time.String() in UTC", () => {
    assert.equal(goTimeString(Date.UTC(2024, 0, 2, 3, 4, 5, 678)), "2024-01-02 03:04:05.678 +0000 UTC");
    assert.equal(goTimeString(Date.UTC(2024, 0, 2, 3, 4, 5, 600)), "2024-01-02 03:04:05.6 +0000 UTC");
    assert.equal(goTimeString(Date.UTC(2024, 11, 31, 23, 59, 59, 0)), "2024-12-31 23:59:59 +0000 UTC");
  });

  it("gives base64 bodies without jsonBody, as Go marshals []byte", () => {
    assert.equal(recordBody(Buffer.from('{"a":1}'), { jsonBody: false, jsonPassthrough: false }), "eyJhIjoxfQ==");
    assert.equal(recordBody(Buffer.from(""), { jsonBody: false, jsonPassthrough: false }), "");
    assert.equal(recordBody(null, { jsonBody: false, jsonPassthrough: false }), null);
  });

  it("passes JSON through with jsonPassthrough and keeps base64 for the rest", () => {
    const o = { jsonBody: false, jsonPassthrough: true };
    assert.deepEqual(recordBody(Buffer.from('{"a":[1,2]}'), o), { a: [1, 2] });
    assert.equal(recordBody(Buffer.from("plain text"), o), Buffer.from("plain text").toString("base64"));
  });

  it("parses JSON with jsonBody and calls anything else poison (a tombstone is null)", () => {
    const o = { jsonBody: true, jsonPassthrough: false };
    assert.deepEqual(recordBody(Buffer.from('"s"'), o), "s");
    assert.equal(recordBody(null, o), null);
    assert.throws(() => recordBody(Buffer.from("{oops"), o), PoisonRecord);
    assert.throws(() => recordBody(Buffer.from(""), o), PoisonRecord);
  });

  it("keeps the last value of a repeated header", () => {
    assert.deepEqual(recordHeaders({ a: Buffer.from("1"), b: [Buffer.from("x"), Buffer.from("y")], c: undefined }), { a: "1", b: "y" });
  });

  it("has Argo's fields, metadata only when set, and no offset", () => {
    const rec = { topic: "t", partition: 1, offset: "5", key: Buffer.from("k"), value: Buffer.from('{"n":1}'), timestamp: "0", headers: { h: Buffer.from("v") } };
    assert.deepEqual(kafkaEventData(rec, { jsonBody: true, jsonPassthrough: false }, undefined), {
      topic: "t",
      key: "k",
      partition: 1,
      body: { n: 1 },
      timestamp: "1970-01-01 00:00:00 +0000 UTC",
      headers: { h: "v" },
    });
    const withMeta = kafkaEventData({ ...rec, key: null }, { jsonBody: true, jsonPassthrough: false }, { team: "x" });
    assert.equal(withMeta["key"], "");
    assert.deepEqual(withMeta["metadata"], { team: "x" });
  });
});
