import assert from "node:assert/strict";
import { it } from "node:test";
import type { ImpulseEvent } from "@impulse/api";
import { compileTimeFilter } from "./time.js";

const at = (time: string): ImpulseEvent => ({ specversion: "1.0", id: "1", source: "s", subject: "e", type: "t", time, datacontenttype: "application/json", data: {} });

it("passes events inside [start, stop), in UTC by default", () => {
  const f = compileTimeFilter({ start: "09:00:00", stop: "17:00:00" }, "t");
  assert.equal(f(at("2026-03-02T09:00:00Z")).pass, true, "start is inclusive");
  assert.equal(f(at("2026-03-02T16:59:59.999Z")).pass, true);
  assert.equal(f(at("2026-03-02T17:00:00Z")).pass, false, "stop is exclusive");
  assert.match(f(at("2026-03-02T08:59:59Z")).reason!, /outside 09:00:00–17:00:00 UTC/);
});

it("wraps past midnight when stop is before start", () => {
  const f = compileTimeFilter({ start: "22:00:00", stop: "06:00:00" }, "t");
  assert.equal(f(at("2026-03-02T23:30:00Z")).pass, true);
  assert.equal(f(at("2026-03-02T05:59:59Z")).pass, true);
  assert.equal(f(at("2026-03-02T12:00:00Z")).pass, false);
});

it("applies the IANA timezone, daylight saving included", () => {
  const f = compileTimeFilter({ start: "09:00:00", stop: "10:00:00", timezone: "America/New_York" }, "t");
  assert.equal(f(at("2026-01-15T14:30:00Z")).pass, true, "09:30 EST");
  assert.equal(f(at("2026-07-15T13:30:00Z")).pass, true, "09:30 EDT");
  assert.equal(f(at("2026-07-15T14:30:00Z")).pass, false, "10:30 EDT");
});

it("names a bad timezone and rejects unparsable event times", () => {
  assert.throws(() => compileTimeFilter({ start: "09:00:00", stop: "10:00:00", timezone: "Mars/Base" }, "spec.dependencies[0].filters.time"), /filters\.time\.timezone: unknown IANA time zone "Mars\/Base"/);
  assert.equal(compileTimeFilter({ start: "09:00:00", stop: "10:00:00" }, "t")(at("yesterday")).pass, false);
});
