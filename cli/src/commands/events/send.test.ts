import assert from "node:assert/strict";
import { test } from "node:test";
import { buildEvent } from "./send.js";
import { toQuery } from "./list.js";
import { UsageError } from "./connect.js";

test("flags make a CloudEvent; plain JSON is its data", () => {
  const e = buildEvent({ source: "orders", event: "created", data: '{"amount":5}', id: "x1" });
  assert.equal(e.id, "x1");
  assert.equal(e.source, "orders");
  assert.equal(e.subject, "created");
  assert.equal(e.type, "webhook");
  assert.deepEqual(e.data, { amount: 5 });
});

test("a CloudEvent file is taken as is; flags override its source", () => {
  const file = JSON.stringify({ specversion: "1.0", id: "a", source: "x", subject: "s", type: "kafka", data: { n: 1 } });
  const e = buildEvent({ file: "ev.json", source: "y" }, () => file);
  assert.deepEqual([e.id, e.source, e.subject, e.type, e.data], ["a", "y", "s", "kafka", { n: 1 }]);
});

test("missing source or bad JSON name what is wrong", () => {
  assert.throws(() => buildEvent({ event: "e", data: "{}" }), (e: Error) => e instanceof UsageError && /--source/.test(e.message));
  assert.throws(() => buildEvent({ source: "s", event: "e", data: "{" }), /--data: not JSON/);
});

test("--since takes a duration back from now or a time", () => {
  const now = Date.parse("2026-01-01T12:00:00Z");
  assert.equal(toQuery({ since: "10m" }, now).since?.toISOString(), "2026-01-01T11:50:00.000Z");
  assert.equal(toQuery({ until: "2026-01-01T11:00:00Z" }, now).until?.toISOString(), "2026-01-01T11:00:00.000Z");
  assert.throws(() => toQuery({ since: "yesterday" }, now), /--since yesterday/);
  assert.throws(() => toQuery({ limit: "0" }, now), /--limit/);
});
