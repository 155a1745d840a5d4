// Schema of `spec.azureQueueStorage.<eventName>` entries, with Argo Events' field names (AzureQueueStorageEventSource).
import { z } from "zod";
import { SecretKeySelector } from "../../common/types.js";
import { EventSourceFilter } from "./filter.js";

export const AzureQueueStorageConfig = z
  .strictObject({
    storageAccountName: z
      .string()
      .min(1)
      .optional()
      .describe("Storage account for Azure AD (managed identity) access; ignored when connectionString is set. Impulse supports connectionString only (see docs/deviations.md)."),
    connectionString: SecretKeySelector.optional().describe("Secret key holding the storage account's connection string."),
    queueName: z.string().min(1).describe("Queue to read."),
    jsonBody: z.boolean().optional().describe("Messages are JSON: body is the parsed message; a message that is not JSON is poison (counted and skipped)."),
    dlq: z
      .boolean()
      .optional()
      .describe("A dead-letter setup handles bad messages: a poison message is left on the queue (not deleted) so that it becomes visible again and its dequeueCount grows."),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    filter: EventSourceFilter.optional(),
    decodeMessage: z.boolean().optional().describe("Base64-decode every message text (before jsonBody applies); one that does not decode is poison."),
    waitTimeInSeconds: z.number().int().min(0).optional().describe("Seconds to wait after a read that found the queue empty (default 3)."),
  })
  .superRefine((v, ctx) => {
    // Argo falls back to Azure AD with storageAccountName; Impulse has no Azure AD credential chain yet: say so at lint time.
    if (!v.connectionString)
      ctx.addIssue({
        code: "custom",
        path: ["connectionString"],
        message: v.storageAccountName ? "storageAccountName alone (Azure AD access) is not supported yet: set connectionString" : "set connectionString",
      });
  })
  .describe("Messages of an Azure Storage queue become events, deleted from the queue only after the bus stored them. At-least-once.");
export type AzureQueueStorageConfig = z.output<typeof AzureQueueStorageConfig>;
