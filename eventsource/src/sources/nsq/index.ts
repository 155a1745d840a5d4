// The nsq EventSource: messages of an NSQ topic's channel become events, FINished only after the bus stored them. At-least-once.
import { NSQConfig, resolveSecurity } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { readerRuntime, startEachEvent } from "../each-event.js";
import { startReader } from "./reader.js";

export const nsq = defineEventSource({
  type: "nsq",
  configSchema: NSQConfig,
  // One reader at a time keeps messages in order per nsqd; the channel would share them between replicas anyway.
  strategy: "leader",
  start(ctx, emit, signal) {
    return startEachEvent(ctx, async (eventName, config) => {
      const tls = config.tls ? (await resolveSecurity(config.tls, undefined, ctx.secrets)).ssl : undefined;
      return startReader({ ...readerRuntime(ctx, emit, signal), eventName, config, tls });
    });
  },
});
