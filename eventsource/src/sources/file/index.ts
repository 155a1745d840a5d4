// The file EventSource: changes to the files of a directory become events (Argo's `file` type).
import { FileConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { startEachEvent } from "../each-event.js";
import { kvListingStore } from "./listing-store.js";
import { runFileWatch } from "./watcher.js";

export const file = defineEventSource({
  type: "file",
  configSchema: FileConfig,
  // One replica reports a change; the listing in the KV store is shared, so a new leader carries on from it.
  strategy: "leader",
  start(ctx, emit, signal) {
    return startEachEvent(ctx, async (eventName, config) => {
      const store = kvListingStore(await ctx.kv(`file-${eventName}`));
      return runFileWatch({ eventSourceName: ctx.eventSourceName, eventName, config, store, emit, logger: ctx.logger.child({ eventName }), health: (s) => ctx.health(eventName, s) }, signal);
    });
  },
});
