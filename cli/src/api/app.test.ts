import assert from "node:assert/strict";
import { test } from "node:test";
import { ErrorCodes, ImpulseError } from "@impulse/api";
import { statusOf } from "./app.js";
import { BadRequest } from "./params.js";

test("errors map to 4xx for what the caller can fix, 503 only when the bus is down", () => {
  const s = (e: unknown, connected = true) => statusOf(e, connected).status;
  assert.deepEqual(statusOf(new BadRequest("limit", "too big"), true), { status: 400, body: { error: { code: "BAD_REQUEST", field: "limit", message: "limit: too big" } } });
  assert.equal(s(new ImpulseError(ErrorCodes.InvalidSpec, "x")), 400);
  assert.equal(s(new ImpulseError(ErrorCodes.NotFound, "x")), 404);
  assert.equal(s(new ImpulseError(ErrorCodes.JournalUnavailable, "x")), 404);
  assert.equal(s(new ImpulseError(ErrorCodes.BusUnavailable, "x")), 503);
  assert.equal(s(Object.assign(new SyntaxError("bad"), { type: "entity.parse.failed" })), 400);
  assert.equal(s(new Error("TIMEOUT"), true), 500, "an unexpected error with the bus up is ours");
  assert.equal(s(new Error("TIMEOUT"), false), 503, "the same with the bus down is the bus");
});
