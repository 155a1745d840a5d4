// Schema of one `spec.webhook.<eventName>` entry, and of the `webhook:` block the Git/SaaS webhook sources share (Argo's WebhookContext).
import { z } from "zod";
import { SecretKeySelector } from "../../common/types.js";
import { EventSourceFilter } from "./filter.js";
import { WebhookHmac } from "./webhook-hmac.js";

export const WEBHOOK_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD"] as const;
export const DEFAULT_MAX_PAYLOAD_SIZE = 1024 * 1024;

const contextFields = {
  endpoint: z
    .string()
    .regex(/^\/[^\s?#]*$/, "must be a path starting with / (no query string)")
    .describe("HTTP path this event listens on, e.g. /example."),
  method: z
    .string()
    .transform((m) => m.toUpperCase())
    .pipe(z.enum(WEBHOOK_METHODS))
    .optional()
    .describe("Accepted HTTP method (default POST). Other methods get 405."),
  port: z
    .union([z.string(), z.number().int()])
    .transform(String)
    .pipe(z.string().regex(/^\d{1,5}$/, "must be a port number").refine((p) => Number(p) > 0 && Number(p) < 65536, "must be between 1 and 65535"))
    .describe("Port of the HTTP server, a number or a numeric string; events on the same port share one server, whatever their source type."),
  url: z.string().optional().describe("External URL (used by hook-registering sources)."),
  serverCertSecret: SecretKeySelector.optional().describe("TLS certificate (with serverKeySecret)."),
  serverKeySecret: SecretKeySelector.optional().describe("TLS private key (with serverCertSecret)."),
  authSecret: SecretKeySelector.optional().describe("Bearer token required in the Authorization header."),
  maxPayloadSize: z.number().int().positive().optional().describe("Largest accepted body in bytes (default 1 MiB); larger gets 413."),
  metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
};

/** Argo's WebhookContext: the HTTP server part of every webhook-family source (`spec.github.<name>.webhook`, ...). */
export const WebhookContext = z.strictObject(contextFields).describe("The HTTP endpoint the sender delivers to.");
export type WebhookContext = z.output<typeof WebhookContext>;

export const WebhookConfig = z
  .strictObject({
    ...contextFields,
    filter: EventSourceFilter.optional(),
    hmac: WebhookHmac.optional(),
  })
  .describe("An HTTP endpoint that turns each request into an event.");

export type WebhookConfig = z.output<typeof WebhookConfig>;
