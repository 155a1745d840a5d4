// The redisStream EventSource: stream entries become events, acknowledged only after the bus stored them. At-least-once.
import { RedisStreamConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { readerRuntime, startEachEvent } from "../each-event.js";
import { redisOptions } from "../redis/client.js";
import { startReader } from "./reader.js";

export const redisStream = defineEventSource({
  type: "redisStream",
  configSchema: RedisStreamConfig,
  // Replicas share the entries through the consumer group, each as its own consumer.
  strategy: "active-active",
  start(ctx, emit, signal) {
    return startEachEvent(ctx, async (eventName, config) =>
      startReader({
        ...readerRuntime(ctx, emit, signal),
        eventName,
        config,
        connection: await redisOptions(config, ctx.secrets),
      }),
    );
  },
});
