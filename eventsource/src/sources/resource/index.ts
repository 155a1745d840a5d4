// The resource EventSource: added, updated and deleted Kubernetes objects become events (Argo's `resource` type).
import { ResourceConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { startEachEvent } from "../each-event.js";
import { KnownObjects } from "./known.js";
import { runWatcher } from "./watcher.js";

export const resource = defineEventSource({
  type: "resource",
  configSchema: ResourceConfig,
  // One replica publishes: several watching the same objects would only add duplicates for the bus to drop.
  strategy: "leader",
  start(ctx, emit, signal) {
    // Ready once every watch attached (initial list published) or reported why it cannot yet.
    return startEachEvent(ctx, async (eventName, config) => {
      const kubeConfig = ctx.kubeConfig();
      // One bucket per event name: two events watching different resources never share object state.
      const known = await KnownObjects.load(await ctx.kv(`resource-${eventName}`));
      ctx.health(eventName, { healthy: false, error: "not watching yet" });
      let resolveReady!: () => void;
      const ready = new Promise<void>((r) => (resolveReady = r));
      const done = runWatcher(
        {
          eventSourceName: ctx.eventSourceName,
          eventName,
          config,
          kubeConfig,
          known,
          emit,
          metrics: ctx.metrics,
          logger: ctx.logger,
          onState: (attached, error) => {
            ctx.health(eventName, { healthy: attached, ...(error ? { error } : {}) });
            resolveReady(); // attached, or failed and retrying: either way the process goes on and /health tells which
          },
        },
        signal,
      );
      return { ready, done };
    });
  },
});
