import assert from "node:assert/strict";
import { it } from "node:test";
import type { ImpulseEvent } from "@impulse/api";
import { idempotencyKey } from "./fire.js";
import type { FiredEvents } from "./params/resolve.js";

const ev = (id: string, extra: Record<string, unknown> = {}) =>
  ({ specversion: "1.0", id, source: "hooks", subject: "open", type: "webhook", time: "2026-01-01T00:00:00Z", datacontenttype: "application/json", data: {}, ...extra }) as ImpulseEvent;

it("is the same for the same events, and differs for the same CloudEvent id from another sender", () => {
  const key = (e: ImpulseEvent) => idempotencyKey("s", "t", { dep: e } as unknown as FiredEvents);
  assert.equal(key(ev("42", { cesource: "a" })), key(ev("42", { cesource: "a", data: { other: 1 } })));
  assert.notEqual(key(ev("42", { cesource: "a" })), key(ev("42", { cesource: "b" })), "one sender must not suppress another's firing");
  assert.notEqual(key(ev("42")), key(ev("43")));
});
