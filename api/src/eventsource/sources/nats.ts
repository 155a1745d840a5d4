// Schema of one `spec.nats.<eventName>` entry, with Argo Events' field names (NATSEventsSource): a core NATS subscription.
import { z } from "zod";
import { TLSConfig } from "../../common/security.js";
import { Backoff, SecretKeySelector } from "../../common/types.js";
import { EventSourceFilter } from "./filter.js";

export const NATSAuth = z
  .strictObject({
    basic: z
      .strictObject({
        username: SecretKeySelector.describe("Secret key holding the user name."),
        password: SecretKeySelector.describe("Secret key holding the password."),
      })
      .optional()
      .describe("User and password."),
    token: SecretKeySelector.optional().describe("Secret key holding an authentication token."),
    nkey: SecretKeySelector.optional().describe("Secret key holding an NKey seed (SU...)."),
    credential: SecretKeySelector.optional().describe("Secret key holding a credentials file (JWT and NKey seed)."),
  })
  .refine((a) => [a.basic, a.token, a.nkey, a.credential].filter(Boolean).length === 1, "set exactly one of basic, token, nkey, credential")
  .describe("How to authenticate to the NATS server.");

export const NATSConfig = z
  .strictObject({
    url: z
      .string()
      .min(1)
      .refine((u) => u.split(",").every((s) => /^(nats|tls|wss?):\/\/[^\s,]+$|^[^\s:/,]+:\d{1,5}$/.test(s.trim())), "must be a nats:// URL (or several separated by commas)")
      .describe("NATS server URL, e.g. nats://nats.example:4222 (several separated by commas)."),
    subject: z.string().min(1).describe("Subject to subscribe to; NATS wildcards (* and >) are allowed."),
    queue: z.string().min(1).optional().describe("Queue group: replicas in one group share the messages instead of each getting all."),
    jsonBody: z.boolean().optional().describe("Messages are JSON: body is the parsed message; a message that is not JSON is skipped and counted."),
    tls: TLSConfig.optional(),
    auth: NATSAuth.optional(),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    connectionBackoff: Backoff.optional().describe("Backoff between connection attempts (default 1s, doubling, up to 30s; retried for as long as it runs)."),
    filter: EventSourceFilter.optional(),
  })
  .describe("Messages on a core NATS subject become events. At-most-once: core NATS keeps nothing for a subscriber that is not connected.");

export type NATSConfig = z.output<typeof NATSConfig>;
