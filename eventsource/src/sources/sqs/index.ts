// The sqs EventSource: messages of an SQS queue become events, deleted only after the bus stored them. At-least-once.
import { SQSConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { startReader } from "./reader.js";

export const sqs = defineEventSource({
  type: "sqs",
  configSchema: SQSConfig,
  // A queue's readers compete for its messages: every replica reads, each message goes to one of them.
  strategy: "active-active",
  start(ctx, emit, signal) {
    const readers = [...ctx.events].map(([eventName, config]) =>
      startReader({ eventSourceName: ctx.eventSourceName, eventName, config, secrets: ctx.secrets, emit, logger: ctx.logger, metrics: ctx.metrics, health: ctx.health, signal }),
    );
    return {
      ready: Promise.all(readers.map((r) => r.ready)).then(() => undefined),
      done: Promise.all(readers.map((r) => r.done)).then(() => undefined),
    };
  },
});
