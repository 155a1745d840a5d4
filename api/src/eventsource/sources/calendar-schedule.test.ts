// Calendar timing: Argo's cron dialect, DST changes in a zone, exclusion dates, intervals, and the catch-up window.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileCalendarSchedule, parseCron } from "./calendar-schedule.js";
import { CalendarConfig } from "./calendar.js";

const iso = (d: Date | undefined) => d?.toISOString();
function nexts(s: ReturnType<typeof compileCalendarSchedule>, from: string, n: number): string[] {
  const out: string[] = [];
  let at = new Date(from);
  for (let i = 0; i < n; i++) {
    at = s.next(at)!;
    out.push(at.toISOString());
  }
  return out;
}

describe("calendar schedule", () => {
  it("reads the cron in the timezone: a time skipped by spring-forward fires right after the gap, a repeated one once", () => {
    const ny = compileCalendarSchedule({ schedule: "30 2 * * *", timezone: "America/New_York" });
    // 2026-03-08 02:30 does not exist in New York: fired at 03:00 EDT, then 02:30 EDT on the following days.
    assert.deepEqual(nexts(ny, "2026-03-07T12:00:00Z", 2), ["2026-03-08T07:00:00.000Z", "2026-03-09T06:30:00.000Z"]);
    const back = compileCalendarSchedule({ schedule: "30 1 * * *", timezone: "America/New_York" });
    // 2026-11-01 01:30 happens twice: one firing (the first), then 01:30 EST the day after.
    assert.deepEqual(nexts(back, "2026-10-31T12:00:00Z", 2), ["2026-11-01T05:30:00.000Z", "2026-11-02T06:30:00.000Z"]);
    const hourly = compileCalendarSchedule({ schedule: "0 * * * *", timezone: "America/New_York" });
    // Every real hour through the fall-back night: 01:00 EDT and 01:00 EST are both hours that happened.
    assert.deepEqual(nexts(hourly, "2026-11-01T04:30:00Z", 3), ["2026-11-01T05:00:00.000Z", "2026-11-01T06:00:00.000Z", "2026-11-01T07:00:00.000Z"]);
  });

  it("defaults to UTC, and CRON_TZ= in the schedule wins over timezone (as robfig/cron)", () => {
    assert.equal(iso(compileCalendarSchedule({ schedule: "0 9 * * *" }).next(new Date("2026-06-01T00:00:00Z"))), "2026-06-01T09:00:00.000Z");
    const tokyo = compileCalendarSchedule({ schedule: "CRON_TZ=Asia/Tokyo 0 9 * * *", timezone: "Europe/Paris" });
    assert.equal(tokyo.timezone, "Asia/Tokyo");
    assert.equal(iso(tokyo.next(new Date("2026-06-01T00:00:00Z"))), "2026-06-02T00:00:00.000Z");
  });

  it("day-of-month and day-of-week are OR-ed when both are set, as in robfig/cron", () => {
    const s = compileCalendarSchedule({ schedule: "0 0 1 * 1" });
    assert.deepEqual(nexts(s, "2025-12-31T12:00:00Z", 3), ["2026-01-01T00:00:00.000Z", "2026-01-05T00:00:00.000Z", "2026-01-12T00:00:00.000Z"]);
  });

  it("skips excluded days, compared in the schedule's zone (year, month and day only)", () => {
    const s = compileCalendarSchedule({
      schedule: "0 23 * * *",
      timezone: "America/Los_Angeles",
      exclusionDates: ["EXDATE:20260102T150405Z", "EXDATE:20260104T000000Z,20260105T000000Z"],
    });
    // 23:00 in Los Angeles is the next day in UTC: the exclusion still names the Los Angeles date.
    assert.deepEqual(nexts(s, "2026-01-01T12:00:00Z", 3), ["2026-01-02T07:00:00.000Z", "2026-01-04T07:00:00.000Z", "2026-01-07T07:00:00.000Z"]);
    const iv = compileCalendarSchedule({ interval: "12h", exclusionDates: ["EXDATE:20260102T000000Z"] });
    assert.deepEqual(nexts(iv, "2026-01-01T12:00:00Z", 2), ["2026-01-03T00:00:00.000Z", "2026-01-03T12:00:00.000Z"]);
  });

  it("intervals chain from their anchor", () => {
    const s = compileCalendarSchedule({ interval: "1m30s" });
    assert.deepEqual(nexts(s, "2026-01-01T00:00:00Z", 2), ["2026-01-01T00:01:30.000Z", "2026-01-01T00:03:00.000Z"]);
  });

  it("due gives the most recent firings after `after`, at most max, and says when older ones were left out", () => {
    const cron = compileCalendarSchedule({ schedule: "* * * * *" });
    const all = cron.due(new Date("2026-01-01T00:00:00Z"), new Date("2026-01-01T00:03:00Z"), 100);
    assert.deepEqual(all.firings.map(iso), ["2026-01-01T00:01:00.000Z", "2026-01-01T00:02:00.000Z", "2026-01-01T00:03:00.000Z"]);
    assert.equal(all.leftOut, false);
    // A year down with a per-minute schedule: the last 100, found without stepping through half a million minutes.
    const year = cron.due(new Date("2025-01-01T00:00:00Z"), new Date("2026-01-01T00:00:30Z"), 100);
    assert.equal(year.firings.length, 100);
    assert.equal(iso(year.firings[0]), "2025-12-31T22:21:00.000Z");
    assert.equal(iso(year.firings[99]), "2026-01-01T00:00:00.000Z");
    assert.equal(year.leftOut, true);
    const iv = compileCalendarSchedule({ interval: "1s" });
    const day = iv.due(new Date("2026-01-01T00:00:00Z"), new Date("2026-01-02T00:00:00Z"), 100);
    assert.equal(day.firings.length, 100);
    assert.equal(iso(day.firings[99]), "2026-01-02T00:00:00.000Z");
    assert.equal(day.leftOut, true);
    assert.deepEqual(iv.due(new Date("2026-01-01T00:00:00Z"), new Date("2026-01-01T00:00:00.900Z"), 100).firings, []);
  });
});

describe("calendar schema", () => {
  const problems = (v: unknown) => (CalendarConfig.safeParse(v).error?.issues ?? []).map((i) => `${i.path.join(".")}: ${i.message}`);
  it("accepts Argo's forms", () => {
    assert.deepEqual(problems({ interval: "10s" }), []);
    assert.deepEqual(problems({ schedule: "30 * * * *", metadata: { hello: "world" } }), []);
    assert.deepEqual(problems({ schedule: "*/5 9-17 ? * MON-FRI", timezone: "America/New_York", exclusionDates: ["EXDATE:20190102T150405Z"] }), []);
    assert.deepEqual(problems({ schedule: "* * * * *", persistence: { catchup: { enabled: true, maxDuration: "5m" }, configMap: { name: "cm", createIfNotExist: true } } }), []);
  });
  it("refuses what Argo's cron parser refuses, and names the field", () => {
    assert.match(problems({ schedule: "0 0 * * * *" })[0]!, /^schedule: .*5 parts/);
    assert.match(problems({ schedule: "@hourly" })[0]!, /^schedule: descriptors/);
    assert.match(problems({ schedule: "61 * * * *" })[0]!, /^schedule: /);
    assert.match(problems({ interval: "10" })[0]!, /^interval: .*Go duration/);
    assert.match(problems({ interval: "500ms" })[0]!, /^interval: must be at least 1s/);
    assert.match(problems({ schedule: "* * * * *", timezone: "Mars/Olympus" })[0]!, /^timezone: unknown time zone/);
    assert.match(problems({ schedule: "* * * * *", exclusionDates: ["2019-01-02"] })[0]!, /^exclusionDates: .*EXDATE:/);
    assert.match(problems({ metadata: {} })[0]!, /^schedule: set schedule \(cron\) or interval/);
  });
  it("parseCron keeps the pattern and a CRON_TZ zone", () => {
    assert.deepEqual(parseCron("TZ=UTC 0 1 * * *"), { pattern: "0 1 * * *", timezone: "UTC" });
  });
});
