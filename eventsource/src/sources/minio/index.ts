// The minio EventSource: MinIO bucket notifications (ListenBucketNotification) become events. At-most-once: the listen API has no acknowledgement.
import { MinioConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { readerRuntime, startEachEvent } from "../each-event.js";
import { minioClient } from "./client.js";
import { startListener } from "./listener.js";

export const minio = defineEventSource({
  type: "minio",
  configSchema: MinioConfig,
  // Every listener gets every notification: one replica at a time (a copy during a handover is dropped by the stable id).
  strategy: "leader",
  start(ctx, emit, signal) {
    return startEachEvent(ctx, async (eventName, config) =>
      startListener({ ...readerRuntime(ctx, emit, signal), eventName, config, client: await minioClient(config, ctx.secrets) }),
    );
  },
});
