// Schema of one `spec.sqs.<eventName>` entry, with Argo Events' field names (SQSEventSource).
import { z } from "zod";
import { HttpUrl, SecretKeySelector } from "../../common/types.js";
import { EventSourceFilter } from "./filter.js";

export const SQSConfig = z
  .strictObject({
    region: z.string().min(1, "must specify region").describe("AWS region of the queue."),
    queue: z.string().min(1, "must specify queue name").describe("Queue name; its URL is resolved with GetQueueUrl."),
    queueAccountId: z.string().min(1).optional().describe("Account that owns the queue (cross-account queues)."),
    waitTimeSeconds: z
      .number()
      .int()
      .min(0)
      .max(20)
      .optional()
      .describe("Long-poll wait of each ReceiveMessage, 1-20 seconds (0 or unset: 3, as Argo)."),
    visibilityTimeout: z
      .number()
      .int()
      .min(1)
      .max(43_200)
      .optional()
      .describe("Impulse: seconds a received message stays hidden from other readers (default 120, as Argo); extended while the bus is down."),
    accessKey: SecretKeySelector.optional().describe("Secret key holding the access key id (default: the SDK's credential chain)."),
    secretKey: SecretKeySelector.optional().describe("Secret key holding the secret access key."),
    sessionToken: SecretKeySelector.optional().describe("Secret key holding an STS session token (temporary credentials); re-read when AWS says it expired."),
    roleARN: z.string().min(1).optional().describe("Role to assume through STS with the credentials above."),
    endpoint: HttpUrl.optional().describe("SQS endpoint instead of AWS's (an SQS-compatible server, a VPC endpoint)."),
    jsonBody: z.boolean().optional().describe("Bodies are JSON: data.body is the parsed body; a body that is not JSON is counted and skipped (see dlq)."),
    dlq: z
      .boolean()
      .optional()
      .describe("A message that can never become an event is left on the queue (not deleted), so the queue's redrive policy moves it to its dead-letter queue."),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    filter: EventSourceFilter.optional(),
    namespace: z.string().optional().describe("Namespace of the Secrets (accepted for Argo compatibility, as in its cross-account example; Impulse reads the EventSource's own)."),
  })
  .refine((c) => (c.accessKey === undefined) === (c.secretKey === undefined), { message: "accessKey and secretKey go together", path: ["secretKey"] })
  .describe("Messages of an SQS queue become events, deleted from the queue only after the bus stored them. At-least-once.");
export type SQSConfig = z.output<typeof SQSConfig>;
