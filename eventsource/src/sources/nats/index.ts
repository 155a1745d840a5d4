// The nats EventSource: messages on a core NATS subject become events. At-most-once, as core NATS is: nothing to ack.
import { NATSConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { natsConnectionOptions } from "./connect.js";
import { startSubscriber } from "./subscriber.js";

export const nats = defineEventSource({
  type: "nats",
  configSchema: NATSConfig,
  // Without a queue group every subscriber gets every message: one replica at a time, or events would be doubled.
  strategy: "leader",
  start(ctx, emit, signal) {
    const subs = [...ctx.events].map(async ([eventName, config]) =>
      startSubscriber({
        eventSourceName: ctx.eventSourceName,
        eventName,
        config,
        connection: await natsConnectionOptions(config, ctx.secrets),
        emit,
        logger: ctx.logger,
        metrics: ctx.metrics,
        health: ctx.health,
        signal,
      }),
    );
    const started = Promise.all(subs);
    return {
      ready: started.then((s) => Promise.all(s.map((x) => x.ready))).then(() => undefined),
      done: started.then((s) => Promise.all(s.map((x) => x.done))).then(() => undefined, () => undefined),
    };
  },
});
