// The minio EventSource: MinIO bucket notifications (ListenBucketNotification) become events. At-most-once: the listen API has no acknowledgement.
import { MinioConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { minioClient } from "./client.js";
import { startListener } from "./listener.js";

export const minio = defineEventSource({
  type: "minio",
  configSchema: MinioConfig,
  // Every listener gets every notification: one replica at a time (a copy during a handover is dropped by the stable id).
  strategy: "leader",
  start(ctx, emit, signal) {
    const listeners = [...ctx.events].map(async ([eventName, config]) =>
      startListener({
        eventSourceName: ctx.eventSourceName,
        eventName,
        config,
        client: await minioClient(config, ctx.secrets),
        emit,
        logger: ctx.logger,
        metrics: ctx.metrics,
        health: ctx.health,
        signal,
      }),
    );
    const started = Promise.all(listeners);
    return {
      ready: started.then((s) => Promise.all(s.map((x) => x.ready))).then(() => undefined),
      done: started.then((s) => Promise.all(s.map((x) => x.done))).then(() => undefined, () => undefined),
    };
  },
});
