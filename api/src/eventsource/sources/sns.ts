// Schema of one `spec.sns.<eventName>` entry, with Argo Events' field names (SNSEventSource).
import { z } from "zod";
import { HttpUrl, SecretKeySelector } from "../../common/types.js";
import { EventSourceFilter } from "./filter.js";
import { WebhookContext } from "./webhook.js";

export const SNSConfig = z
  .strictObject({
    webhook: WebhookContext.describe("The endpoint SNS delivers to; `url` is the externally reachable base URL subscribed to the topic."),
    topicArn: z.string().min(1, "must specify topic arn").describe("ARN of the topic to subscribe to (arn:aws:sns:<region>:<account>:<name>)."),
    accessKey: SecretKeySelector.optional().describe("Secret key holding the access key id (default: the SDK's credential chain)."),
    secretKey: SecretKeySelector.optional().describe("Secret key holding the secret access key."),
    region: z.string().min(1, "must specify region").describe("AWS region of the topic."),
    roleARN: z.string().min(1).optional().describe("Role to assume through STS with the credentials above."),
    endpoint: HttpUrl.optional().describe(
      "SNS endpoint instead of AWS's (an SNS-compatible server). Its origin is also trusted for SubscribeURL and SigningCertURL, and signing certificates named on an SNS amazonaws.com host are fetched from it (emulators serve them there).",
    ),
    validateSignature: z.boolean().optional().describe("Verify each message's signature (SignatureVersion 1: SHA1, 2: SHA256) with the certificate at SigningCertURL; unsigned or badly signed messages get 403 and are not stored."),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    filter: EventSourceFilter.optional(),
  })
  .refine((c) => (c.accessKey === undefined) === (c.secretKey === undefined), { message: "accessKey and secretKey go together", path: ["secretKey"] })
  .refine((c) => Boolean(c.webhook.url), { message: "is required: the URL SNS delivers to (subscribed to the topic at start)", path: ["webhook", "url"] })
  .describe("Notifications of an SNS topic, delivered over HTTP(S) to the EventSource's webhook server; the topic is subscribed at start and unsubscribed at stop. At-least-once (SNS retries until answered 2xx).");
export type SNSConfig = z.output<typeof SNSConfig>;
