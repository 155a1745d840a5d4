// The mqtt EventSource: QoS 1 messages of a topic become events; each is PUBACKed only after the bus stored it.
import { MQTTConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { readerRuntime, startEachEvent } from "../each-event.js";
import { brokerUrl, clientOptions } from "./client.js";

export const mqtt = defineEventSource({
  type: "mqtt",
  configSchema: MQTTConfig,
  // One client id is one session at the broker: a second replica with the same id would take the session over.
  strategy: "leader",
  start(ctx, emit, signal) {
    return startEachEvent(ctx, async (eventName, cfg) => {
      // mqtt.js is loaded only by an EventSource that has mqtt events.
      const { startMqttReader } = await import("./consumer.js");
      return startMqttReader({
        ...readerRuntime(ctx, emit, signal),
        eventName,
        config: cfg,
        url: brokerUrl(cfg.url),
        clientOptions: await clientOptions(cfg, ctx.secrets),
      });
    });
  },
});
