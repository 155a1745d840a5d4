// The azureQueueStorage EventSource: queue messages become events, deleted only after the bus stored them. At-least-once.
import { AzureQueueStorageConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { readerRuntime, startEachEvent } from "../each-event.js";
import { startReader } from "./reader.js";

export const azureQueueStorage = defineEventSource({
  type: "azureQueueStorage",
  configSchema: AzureQueueStorageConfig,
  // One reader at a time, as Argo: messages keep their order and a slow store never hands a message to a second reader.
  strategy: "leader",
  start(ctx, emit, signal) {
    return startEachEvent(ctx, async (eventName, config) => {
      // Loaded on first use: only EventSources with this type pay for the Azure SDK.
      const { QueueClient, StorageRetryPolicyType } = await import("@azure/storage-queue");
      // The schema requires connectionString (Azure AD access is not supported yet).
      const connectionString = await ctx.secrets(config.connectionString!);
      // One try per call: the reader retries with its own backoff and shows the outage on /health meanwhile.
      const client = new QueueClient(connectionString, config.queueName, {
        retryOptions: { maxTries: 1, tryTimeoutInMs: 30_000, retryPolicyType: StorageRetryPolicyType.FIXED },
      });
      return startReader({ ...readerRuntime(ctx, emit, signal), eventName, config, client });
    });
  },
});
