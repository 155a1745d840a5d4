// Schema of one `spec.generic.<eventName>` entry, with Argo Events' field names (GenericEventSource).
import { z } from "zod";
import { SecretKeySelector } from "../../common/types.js";
import { EventSourceFilter } from "./filter.js";

export const GenericConfig = z
  .strictObject({
    url: z
      .string()
      .min(1)
      .refine((u) => !/\s/.test(u), "must not contain whitespace")
      .refine((u) => !/^https?:\/\//i.test(u), "is a gRPC target (host:port, or dns:///host:port), not an http(s) URL")
      .describe("gRPC target of the server that implements the Eventing service (host:port, dns:///host:port, unix:/path)."),
    config: z.string().min(1).describe("Configuration sent to the server in StartEventSource (bytes field config); the server decides what it means."),
    insecure: z.boolean().optional().describe("Plain-text gRPC (no TLS). Without it the connection uses TLS, checked against the system CAs."),
    jsonBody: z.boolean().optional().describe("Payloads are JSON: body is the parsed payload; a payload that is not JSON is skipped and counted."),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    authSecret: SecretKeySelector.optional().describe("Bearer token sent as the `authorization: Bearer <token>` call metadata."),
    filter: EventSourceFilter.optional(),
  })
  .describe("Events streamed by a gRPC server implementing Argo's generic Eventing service (StartEventSource).");

export type GenericConfig = z.output<typeof GenericConfig>;
