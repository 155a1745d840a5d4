import assert from "node:assert/strict";
import { it } from "node:test";
import type { BusEvent } from "./types.js";
import { dedupKey } from "./dedup.js";

const ev = (over: Partial<BusEvent>): BusEvent => ({
  specversion: "1.0",
  id: "42",
  source: "hooks",
  subject: "open",
  type: "webhook",
  time: "2026-01-01T00:00:00Z",
  datacontenttype: "application/json",
  data: null,
  ...over,
});

it("keys on the sender's source, the EventSource, the event name and the id", () => {
  const base = dedupKey(ev({ cesource: "a" }));
  assert.equal(dedupKey(ev({ cesource: "a", data: { other: "payload" } })), base, "a resend is the same event");
  assert.notEqual(dedupKey(ev({ cesource: "b" })), base, "another sender");
  assert.notEqual(dedupKey(ev({ cesource: "a", subject: "other" })), base, "another endpoint");
  assert.notEqual(dedupKey(ev({ cesource: "a", source: "other-es" })), base, "another EventSource");
  assert.notEqual(dedupKey(ev({ cesource: "a", id: "43" })), base);
  assert.notEqual(dedupKey(ev({})), base, "a native event with the same id");
});

it("cannot be confused by separators inside the parts", () => {
  assert.notEqual(dedupKey(ev({ source: "a/b", subject: "c" })), dedupKey(ev({ source: "a", subject: "b/c" })));
});

it("is a header-safe token whatever the id holds", () => {
  assert.match(dedupKey(ev({ id: "x\r\nNats-Expected-Stream: evil" })), /^[A-Za-z0-9_-]{43}$/);
});
