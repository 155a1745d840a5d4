import assert from "node:assert/strict";
import { it } from "node:test";
import { compileReset } from "./reset.js";

it("finds the previous tick in the schedule's timezone", () => {
  const r = compileReset({ cron: "0 9 * * *", timezone: "America/New_York" }, "t");
  // 2026-07-15 15:00 UTC is 11:00 EDT: the previous 09:00 EDT is 13:00 UTC that day.
  assert.equal(new Date(r.previous(new Date("2026-07-15T15:00:00Z"))).toISOString(), "2026-07-15T13:00:00.000Z");
  const utc = compileReset({ cron: "59 23 * * *" }, "t");
  assert.equal(new Date(utc.previous(new Date("2026-07-15T15:00:00Z"))).toISOString(), "2026-07-14T23:59:00.000Z");
});

it("names an invalid cron or timezone with its path", () => {
  assert.throws(() => compileReset({ cron: "not a cron" }, "spec.triggers[0].template.conditionsReset[0].byTime"), /conditionsReset\[0\]\.byTime\.cron: /);
  assert.throws(() => compileReset({ cron: "0 9 * * *", timezone: "Nowhere/City" }, "x"), /x\.timezone: unknown IANA time zone/);
});
