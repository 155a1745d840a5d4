// The listen stream decoder, record checks, stable ids and Argo's data shape of the minio source.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PoisonMessage } from "../shared/poison.js";
import { checkRecord, lineSplitter, listenQuery, minioEventData, minioEventId, type MinioRecord } from "./records.js";

const rec = (over: Partial<{ key: string; sequencer: string; eTag: string; eventName: string }> = {}): MinioRecord => ({
  eventName: over.eventName ?? "s3:ObjectCreated:Put",
  eventTime: "2026-01-01T00:00:00.000Z",
  s3: { bucket: { name: "in" }, object: { key: over.key ?? "a.txt", eTag: over.eTag ?? "e1", sequencer: over.sequencer ?? "18A" } },
});

describe("minio listen stream", () => {
  it("splits lines across chunks, skips keep-alive spaces and empty pings, and flags a bad line as poison", () => {
    const s = lineSplitter();
    const line = JSON.stringify({ Records: [rec()] });
    assert.deepEqual(s.push("   "), []);
    assert.equal(s.pending, 0, "keep-alive spaces are not held");
    assert.deepEqual(s.push(" " + line.slice(0, 10)), []);
    const out = s.push(line.slice(10) + "\n  " + JSON.stringify({ Records: null }) + "\nnot json\n" + JSON.stringify({ Records: 3 }) + "\n");
    assert.equal(out.length, 4);
    assert.deepEqual(out[0], { records: [rec()] });
    assert.deepEqual(out[1], { records: [] });
    assert.ok("poison" in out[2]! && out[2].poison.startsWith("not JSON"));
    assert.deepEqual(out[3], { poison: "Records is not a list" });
  });

  it("refuses a record without event name, bucket or key", () => {
    assert.equal(checkRecord(rec()).s3?.object?.key, "a.txt");
    for (const bad of [null, [], { s3: {} }, { eventName: "x", s3: { bucket: { name: "b" } } }]) assert.throws(() => checkRecord(bad), PoisonMessage);
  });

  it("gives the same notification the same id, and different operations different ids", () => {
    const id = minioEventId("es", "ev", rec());
    assert.equal(minioEventId("es", "ev", structuredClone(rec())), id);
    assert.match(id, /^es:ev:minio:[A-Za-z0-9_-]+$/);
    const others = [rec({ sequencer: "18B" }), rec({ key: "b.txt" }), rec({ eTag: "e2" }), rec({ eventName: "s3:ObjectRemoved:Delete" })].map((r) => minioEventId("es", "ev", r));
    assert.equal(new Set([id, ...others]).size, 5);
    assert.notEqual(minioEventId("es", "other", rec()), id);
  });

  it("has Argo's MinioEventData shape: notification is the list of records, metadata only when set", () => {
    assert.deepEqual(minioEventData(rec(), undefined), { notification: [rec()] });
    assert.deepEqual(minioEventData(rec(), { team: "x" }), { notification: [rec()], metadata: { team: "x" } });
  });

  it("builds the listen query sorted and escaped", () => {
    assert.equal(listenQuery("in/", ".json", ["s3:ObjectCreated:Put", "s3:ObjectRemoved:*"]), "events=s3%3AObjectCreated%3APut&events=s3%3AObjectRemoved%3A%2A&prefix=in%2F&suffix=.json");
    assert.equal(listenQuery(undefined, undefined, undefined), "");
  });
});
