// The redisStream EventSource: stream entries become events, acknowledged only after the bus stored them. At-least-once.
import { RedisStreamConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { redisOptions } from "../redis/client.js";
import { startReader } from "./reader.js";

export const redisStream = defineEventSource({
  type: "redisStream",
  configSchema: RedisStreamConfig,
  // Replicas share the entries through the consumer group, each as its own consumer.
  strategy: "active-active",
  start(ctx, emit, signal) {
    const readers = [...ctx.events].map(async ([eventName, config]) =>
      startReader({
        eventSourceName: ctx.eventSourceName,
        eventName,
        config,
        connection: await redisOptions(config, ctx.secrets),
        emit,
        logger: ctx.logger,
        metrics: ctx.metrics,
        health: ctx.health,
        signal,
      }),
    );
    const started = Promise.all(readers);
    return {
      ready: started.then((s) => Promise.all(s.map((x) => x.ready))).then(() => undefined),
      done: started.then((s) => Promise.all(s.map((x) => x.done))).then(() => undefined, () => undefined),
    };
  },
});
