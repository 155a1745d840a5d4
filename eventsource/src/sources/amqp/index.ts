// The amqp EventSource: messages of a RabbitMQ queue become events; each is acknowledged only after the bus stored it.
import { AMQPConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { readerRuntime, startEachEvent } from "../each-event.js";

export const amqp = defineEventSource({
  type: "amqp",
  configSchema: AMQPConfig,
  // Replicas are competing consumers of a shared (non-exclusive) queue; the broker gives each message to one of them.
  strategy: "active-active",
  start(ctx, emit, signal) {
    return startEachEvent(ctx, async (eventName, cfg) => {
      // amqplib is loaded only by an EventSource that has amqp events.
      const [{ resolveTarget }, { startAmqpReader }] = await Promise.all([import("./connect.js"), import("./consumer.js")]);
      const target = await resolveTarget(cfg, ctx.secrets, `impulse-${ctx.eventSourceName}-${eventName}`);
      return startAmqpReader({
        ...readerRuntime(ctx, emit, signal),
        eventName,
        config: cfg,
        target,
      });
    });
  },
});
