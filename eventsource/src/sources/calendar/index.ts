// The calendar EventSource: events on a cron schedule or an interval; with persistence, a restart catches up.
import { CalendarConfig, compileCalendarSchedule, parseGoDuration } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { startEachEvent } from "../each-event.js";
import { systemClock, type Clock } from "./clock.js";
import { kvLastFiring } from "./last-firing.js";
import { runCalendar } from "./loop.js";

/** The calendar definition with another clock (tests cross DST changes and outages without waiting). */
export function calendarSource(clock: Clock) {
  return defineEventSource({
    type: "calendar",
    configSchema: CalendarConfig,
    // Every replica firing would only make duplicates for the bus to drop (and catch-ups would race): one fires.
    strategy: "leader",
    start(ctx, emit, signal) {
      return startEachEvent(ctx, async (eventName, cfg) => {
        const log = ctx.logger.child({ eventName });
        if (cfg.schedule && cfg.interval) log.warn("both schedule and interval are set: the schedule is used, as in Argo");
        if (cfg.persistence?.configMap) log.info("persistence.configMap is not used: the last firing is kept in the EventBus KV store");
        const schedule = compileCalendarSchedule(cfg);
        const catchup = cfg.persistence?.catchup?.enabled
          ? { maxDurationMs: cfg.persistence.catchup.maxDuration ? parseGoDuration(cfg.persistence.catchup.maxDuration) : undefined }
          : undefined;
        const store = cfg.persistence ? kvLastFiring(await ctx.kv(`calendar-${eventName}`)) : undefined;
        return runCalendar(
          {
            eventSourceName: ctx.eventSourceName,
            eventName,
            schedule,
            metadata: cfg.metadata,
            store,
            catchup,
            emit,
            clock,
            logger: log,
            health: (s) => ctx.health(eventName, s),
          },
          signal,
        );
      });
    },
  });
}

export const calendar = calendarSource(systemClock);
