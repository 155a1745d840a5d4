// The log trigger: writes the firing's events (context and data) to the sensor log; the debugging trigger.
import { LogTriggerTemplate, structuredCloudEvent } from "@impulse/api";
import { defineTrigger } from "./define.js";

export const log = defineTrigger({
  type: "log",
  templateSchema: LogTriggerTemplate,
  hasPayload: false,
  create() {
    let lastLoggedAt = 0;
    return {
      async execute({ template, events, logger }) {
        const intervalMs = (template.intervalSeconds ?? 0) * 1000;
        const now = Date.now();
        if (intervalMs > 0 && now - lastLoggedAt < intervalMs) return { logged: false };
        lastLoggedAt = now;
        // Each event as a complete structured CloudEvent (specversion included), so a logged event pasted into a file
        // is accepted by `impulse sensor test --event` as it is.
        const summary = Object.fromEntries(Object.entries(events).map(([dep, e]) => [dep, structuredCloudEvent(e)]));
        logger.info({ events: summary }, "log trigger fired");
        return { logged: true };
      },
    };
  },
  applyPolicy() {},
  describe: (r) => (r.logged ? "logged" : "throttled by intervalSeconds"),
});
