// The calendar loop on a fake clock: firings at the scheduled times, catch-up from the remembered firing (bounded), retry.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compileCalendarSchedule } from "@impulse/api";
import pino from "pino";
import type { Emission } from "../../define.js";
import type { Clock } from "./clock.js";
import type { LastFiringStore } from "./last-firing.js";
import { runCalendar, type CalendarLoopOptions } from "./loop.js";

/** A clock whose sleeps pass instantly by moving its time forward. */
function fakeClock(start: string): Clock & { t: number } {
  const c = {
    t: new Date(start).getTime(),
    now: () => c.t,
    sleep: async (ms: number) => {
      c.t += ms;
      await new Promise((r) => setImmediate(r));
    },
  };
  return c;
}

function memoryStore(initial?: string): LastFiringStore & { value: string | undefined } {
  const s = {
    value: initial,
    load: async () => (s.value ? new Date(s.value) : undefined),
    save: async (at: Date) => void (s.value = at.toISOString()),
  };
  return s;
}

/** Runs the loop until `count` emissions (or the clock passes `until`) and returns them. */
async function run(o: Partial<CalendarLoopOptions> & Pick<CalendarLoopOptions, "schedule" | "clock">, count: number, failFirst = 0): Promise<Emission[]> {
  const out: Emission[] = [];
  const ac = new AbortController();
  let failures = failFirst;
  const r = runCalendar(
    {
      eventSourceName: "cal",
      eventName: "tick",
      logger: pino({ level: "silent" }),
      health: () => {},
      emit: async (e) => {
        if (failures-- > 0) throw new Error("bus down");
        out.push(e);
        if (out.length >= count) ac.abort();
        return { id: e.id!, duplicate: false };
      },
      ...o,
    },
    ac.signal,
  );
  await r.done;
  return out;
}

describe("calendar loop", () => {
  it("fires at each scheduled time in the zone, across a DST change, with Argo's data and a time-derived id", async () => {
    const clock = fakeClock("2026-03-07T12:00:00Z");
    const schedule = compileCalendarSchedule({ schedule: "30 2 * * *", timezone: "America/New_York" });
    const out = await run({ schedule, clock, metadata: { team: "ops" } }, 2);
    assert.deepEqual(
      out.map((e) => [e.id, e.time, e.data]),
      [
        ["cal:tick:2026-03-08T07:00:00.000Z", "2026-03-08T07:00:00.000Z", { eventTime: "2026-03-08 03:00:00 -0400 EDT", metadata: { team: "ops" } }],
        ["cal:tick:2026-03-09T06:30:00.000Z", "2026-03-09T06:30:00.000Z", { eventTime: "2026-03-09 02:30:00 -0400 EDT", metadata: { team: "ops" } }],
      ],
    );
  });

  it("without catchup, a start fires only from now on (as Argo)", async () => {
    const clock = fakeClock("2026-01-01T10:00:20.400Z");
    const store = memoryStore("2026-01-01T08:00:00Z");
    const out = await run({ schedule: compileCalendarSchedule({ interval: "10s" }), clock, store }, 2);
    assert.deepEqual(out.map((e) => e.time), ["2026-01-01T10:00:30.000Z", "2026-01-01T10:00:40.000Z"]);
    assert.equal(store.value, "2026-01-01T10:00:40.000Z", "the last stored firing is remembered");
  });

  it("with catchup, publishes the missed firings since the remembered one (same ids as they would have had), then goes on", async () => {
    const clock = fakeClock("2026-01-01T10:03:10Z");
    const store = memoryStore("2026-01-01T10:00:00Z");
    const out = await run({ schedule: compileCalendarSchedule({ schedule: "* * * * *" }), clock, store, catchup: {} }, 4);
    assert.deepEqual(out.map((e) => e.id), ["cal:tick:2026-01-01T10:01:00.000Z", "cal:tick:2026-01-01T10:02:00.000Z", "cal:tick:2026-01-01T10:03:00.000Z", "cal:tick:2026-01-01T10:04:00.000Z"]);
    // An interval chain resumes from the remembered firing, not from the restart.
    const iv = await run({ schedule: compileCalendarSchedule({ interval: "45s" }), clock: fakeClock("2026-01-01T10:01:00Z"), store: memoryStore("2026-01-01T10:00:00Z"), catchup: {} }, 2);
    assert.deepEqual(iv.map((e) => e.time), ["2026-01-01T10:00:45.000Z", "2026-01-01T10:01:30.000Z"]);
  });

  it("bounds catch-up: maxDuration drops older firings, and never more than maxCatchup at once", async () => {
    const since = "2026-01-01T00:00:00Z";
    const limited = await run({ schedule: compileCalendarSchedule({ schedule: "* * * * *" }), clock: fakeClock("2026-01-01T10:00:30Z"), store: memoryStore(since), catchup: { maxDurationMs: 180_000 } }, 4);
    assert.deepEqual(limited.map((e) => e.time), ["2026-01-01T09:58:00.000Z", "2026-01-01T09:59:00.000Z", "2026-01-01T10:00:00.000Z", "2026-01-01T10:01:00.000Z"]);
    const capped = await run({ schedule: compileCalendarSchedule({ schedule: "* * * * *" }), clock: fakeClock("2026-01-01T10:00:30Z"), store: memoryStore(since), catchup: {}, maxCatchup: 5 }, 6);
    assert.deepEqual(capped.map((e) => e.time), ["2026-01-01T09:56:00.000Z", "2026-01-01T09:57:00.000Z", "2026-01-01T09:58:00.000Z", "2026-01-01T09:59:00.000Z", "2026-01-01T10:00:00.000Z", "2026-01-01T10:01:00.000Z"]);
  });

  it("retries a firing the bus did not store, with the same id, and skips excluded days", async () => {
    const clock = fakeClock("2026-01-01T12:00:00Z");
    const schedule = compileCalendarSchedule({ schedule: "0 9 * * *", exclusionDates: ["EXDATE:20260102T000000Z"] });
    const out = await run({ schedule, clock }, 2, 3);
    assert.deepEqual(out.map((e) => e.id), ["cal:tick:2026-01-03T09:00:00.000Z", "cal:tick:2026-01-04T09:00:00.000Z"]);
  });
});
