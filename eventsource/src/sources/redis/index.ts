// The redis EventSource: messages on Redis pub/sub channels (and patterns) become events. At-most-once, as pub/sub is.
import { RedisConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { readerRuntime, startEachEvent } from "../each-event.js";
import { redisOptions } from "./client.js";
import { startSubscriber } from "./subscriber.js";

export const redis = defineEventSource({
  type: "redis",
  configSchema: RedisConfig,
  // Every subscriber gets every message: one replica at a time, or events would be doubled.
  strategy: "leader",
  start(ctx, emit, signal) {
    return startEachEvent(ctx, async (eventName, config) => {
      if (config.namespace) ctx.logger.child({ eventName }).warn("`namespace` is ignored: the password Secret is read from the EventSource's namespace");
      return startSubscriber({
        ...readerRuntime(ctx, emit, signal),
        eventName,
        config,
        connection: await redisOptions(config, ctx.secrets),
      });
    });
  },
});
