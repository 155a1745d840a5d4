// The nats EventSource: messages on a core NATS subject become events. At-most-once, as core NATS is: nothing to ack.
import { NATSConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { readerRuntime, startEachEvent } from "../each-event.js";
import { natsConnectionOptions } from "./connect.js";
import { startSubscriber } from "./subscriber.js";

export const nats = defineEventSource({
  type: "nats",
  configSchema: NATSConfig,
  // Without a queue group every subscriber gets every message: one replica at a time, or events would be doubled.
  strategy: "leader",
  start(ctx, emit, signal) {
    return startEachEvent(ctx, async (eventName, config) =>
      startSubscriber({
        ...readerRuntime(ctx, emit, signal),
        eventName,
        config,
        connection: await natsConnectionOptions(config, ctx.secrets),
      }),
    );
  },
});
