import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { BadRequest, parseQuery, parseRedrive, parseReplay, parseSend, parseWhen } from "./params.js";

const field = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    assert.ok(e instanceof BadRequest, String(e));
    return e.field;
  }
  assert.fail("no error");
};

describe("API parameters", () => {
  it("reads filters, times, limit and cursor; names the parameter that is wrong", () => {
    const now = Date.parse("2026-01-01T00:10:00Z");
    assert.deepEqual(parseWhen("since", "10m", now), new Date("2026-01-01T00:00:00Z"));
    const q = parseQuery({ source: "orders", outcome: "failed", limit: "5", cursor: "42", until: "2026-01-01T00:00:00Z" });
    assert.deepEqual(q, { source: "orders", outcome: "failed", limit: 5, cursor: "42", until: new Date("2026-01-01T00:00:00Z") });
    assert.equal(field(() => parseQuery({ limit: "0" })), "limit");
    assert.equal(field(() => parseQuery({ limit: "5000" })), "limit");
    assert.equal(field(() => parseQuery({ cursor: "abc" })), "cursor");
    assert.equal(field(() => parseQuery({ since: "yesterday" })), "since");
    assert.equal(field(() => parseQuery({ sensr: "x" })), "sensr");
    assert.equal(field(() => parseQuery({ source: ["a", "b"] })), "source");
  });

  it("checks replay and redrive bodies, naming the body path", () => {
    assert.deepEqual(parseReplay({ sensor: "s", ids: ["a"], dryRun: true }), { sensor: "s", ids: ["a"], dryRun: true });
    assert.equal(field(() => parseReplay({ ids: ["a"] })), "sensor");
    assert.equal(field(() => parseReplay({ sensor: "s" })), "ids");
    assert.equal(field(() => parseReplay({ sensor: "s", ids: [1] })), "ids[0]");
    assert.equal(field(() => parseReplay({ sensor: "s", since: "1h", dryrun: true })), "dryrun");
    assert.ok(parseRedrive({ since: "1h" }).since instanceof Date);
    assert.equal(field(() => parseRedrive({ sensor: "s" })), "eventId");
  });

  it("fills a sent CloudEvent's id, type and specversion; requires source and subject", () => {
    const e = parseSend({ source: "orders", subject: "created", data: { amount: 1 } });
    assert.equal(e.source, "orders");
    assert.equal(e.subject, "created");
    assert.equal(e.type, "webhook");
    assert.ok(e.id);
    assert.equal(field(() => parseSend({ subject: "created" })), "source");
    assert.equal(field(() => parseSend({ source: "orders" })), "subject");
    assert.equal(field(() => parseSend([1])), "body");
  });
});
