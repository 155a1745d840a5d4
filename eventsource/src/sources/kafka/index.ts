// The kafka EventSource: records become events in partition order; offsets are committed after the bus stored them.
import { KafkaConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { readerRuntime, startEachEvent } from "../each-event.js";
import { createKafka, retryFromBackoff } from "./client.js";
import { startReader } from "./consumer.js";

export const kafka = defineEventSource({
  type: "kafka",
  configSchema: KafkaConfig,
  // Replicas coordinate through the Kafka consumer group protocol: each partition has one reader at a time.
  strategy: "active-active",
  start(ctx, emit, signal) {
    return startEachEvent(ctx, async (eventName, cfg) => {
      const log = ctx.logger.child({ eventName });
      if (cfg.config) log.warn("`config` (raw sarama settings) is ignored: Impulse does not use sarama");
      if (cfg.consumerGroup && cfg.partition !== undefined) log.warn("`partition` is ignored when consumerGroup is set, as in Argo");
      const client = await createKafka(cfg, `impulse-${ctx.eventSourceName}`, ctx.secrets, log);
      return startReader({
        ...readerRuntime(ctx, emit, signal),
        eventName,
        config: cfg,
        kafka: client,
        retry: retryFromBackoff(cfg.connectionBackoff),
        health: (status) => ctx.health(eventName, status),
      });
    });
  },
});
