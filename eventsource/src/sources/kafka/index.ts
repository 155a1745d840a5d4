// The kafka EventSource: records become events in partition order; offsets are committed after the bus stored them.
import { KafkaConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { createKafka, retryFromBackoff } from "./client.js";
import { startReader } from "./consumer.js";

export const kafka = defineEventSource({
  type: "kafka",
  configSchema: KafkaConfig,
  // Replicas coordinate through the Kafka consumer group protocol: each partition has one reader at a time.
  strategy: "active-active",
  start(ctx, emit, signal) {
    const readers = [...ctx.events].map(async ([eventName, cfg]) => {
      const log = ctx.logger.child({ eventName });
      if (cfg.config) log.warn("`config` (raw sarama settings) is ignored: Impulse does not use sarama");
      if (cfg.consumerGroup && cfg.partition !== undefined) log.warn("`partition` is ignored when consumerGroup is set, as in Argo");
      const client = await createKafka(cfg, `impulse-${ctx.eventSourceName}`, ctx.secrets, log);
      return startReader({
        eventSourceName: ctx.eventSourceName,
        eventName,
        config: cfg,
        kafka: client,
        retry: retryFromBackoff(cfg.connectionBackoff),
        emit,
        logger: ctx.logger,
        metrics: ctx.metrics,
        health: (status) => ctx.health(eventName, status),
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
