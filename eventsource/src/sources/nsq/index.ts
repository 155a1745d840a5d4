// The nsq EventSource: messages of an NSQ topic's channel become events, FINished only after the bus stored them. At-least-once.
import { NSQConfig, resolveSecurity } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { startReader } from "./reader.js";

export const nsq = defineEventSource({
  type: "nsq",
  configSchema: NSQConfig,
  // One reader at a time keeps messages in order per nsqd; the channel would share them between replicas anyway.
  strategy: "leader",
  start(ctx, emit, signal) {
    const readers = [...ctx.events].map(async ([eventName, config]) => {
      const tls = config.tls ? (await resolveSecurity(config.tls, undefined, ctx.secrets)).ssl : undefined;
      return startReader({ eventSourceName: ctx.eventSourceName, eventName, config, tls, emit, logger: ctx.logger, metrics: ctx.metrics, health: ctx.health, signal });
    });
    const started = Promise.all(readers);
    return {
      ready: started.then((s) => Promise.all(s.map((x) => x.ready))).then(() => undefined),
      done: started.then((s) => Promise.all(s.map((x) => x.done))).then(() => undefined, () => undefined),
    };
  },
});
