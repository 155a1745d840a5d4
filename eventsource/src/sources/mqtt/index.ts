// The mqtt EventSource: QoS 1 messages of a topic become events; each is PUBACKed only after the bus stored it.
import { MQTTConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { brokerUrl, clientOptions } from "./client.js";

export const mqtt = defineEventSource({
  type: "mqtt",
  configSchema: MQTTConfig,
  // One client id is one session at the broker: a second replica with the same id would take the session over.
  strategy: "leader",
  start(ctx, emit, signal) {
    const readers = [...ctx.events].map(async ([eventName, cfg]) => {
      // mqtt.js is loaded only by an EventSource that has mqtt events.
      const { startMqttReader } = await import("./consumer.js");
      return startMqttReader({
        eventSourceName: ctx.eventSourceName,
        eventName,
        config: cfg,
        url: brokerUrl(cfg.url),
        clientOptions: await clientOptions(cfg, ctx.secrets),
        emit,
        logger: ctx.logger,
        metrics: ctx.metrics,
        health: ctx.health,
        signal,
      });
    });
    const started = Promise.all(readers);
    return {
      ready: started.then((r) => Promise.all(r.map((x) => x.ready))).then(() => undefined),
      done: started.then((r) => Promise.all(r.map((x) => x.done))).then(() => undefined, () => undefined),
    };
  },
});
