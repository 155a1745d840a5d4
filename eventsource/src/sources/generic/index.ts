// The generic EventSource: the gRPC client of a server that streams events (Argo's generic Eventing protocol).
import { GenericConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { loadEventing } from "./protocol.js";
import { startStream } from "./stream.js";

export const generic = defineEventSource({
  type: "generic",
  configSchema: GenericConfig,
  // The protocol has no ids and no acknowledgements: two replicas would each store every event, so one streams.
  strategy: "leader",
  start(ctx, emit, signal) {
    const streams = (async () => {
      const { grpc, Eventing } = await loadEventing();
      return Promise.all(
        [...ctx.events].map(async ([eventName, config]) => {
          const token = config.authSecret ? await ctx.secrets(config.authSecret) : undefined;
          return startStream({
            eventSourceName: ctx.eventSourceName,
            eventName,
            config,
            token,
            grpc,
            Eventing,
            emit,
            logger: ctx.logger,
            metrics: ctx.metrics,
            health: (status) => ctx.health(eventName, status),
            signal,
          });
        }),
      );
    })();
    return {
      ready: streams.then((s) => Promise.all(s.map((x) => x.ready))).then(() => undefined),
      done: streams.then((s) => Promise.all(s.map((x) => x.done))).then(() => undefined, () => undefined),
    };
  },
});
