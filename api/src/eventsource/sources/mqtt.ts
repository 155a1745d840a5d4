// Schema of one `spec.mqtt.<eventName>` entry, with Argo Events' field names (MQTTEventSource).
import { z } from "zod";
import { BasicAuth } from "../../common/basic-auth.js";
import { TLSConfig } from "../../common/security.js";
import { Backoff } from "../../common/types.js";
import { EventSourceFilter } from "./filter.js";

export const MQTTConfig = z
  .strictObject({
    url: z
      .string()
      .regex(/^(tcp|mqtt|ssl|tls|mqtts|ws|wss):\/\/[^/\s]+/, "must be a broker URL such as tcp://host:1883 or ssl://host:8883")
      .describe("Broker URL: tcp:// (or mqtt://) for plain, ssl:// (tls://, mqtts://) for TLS, ws:// or wss:// for websockets."),
    topic: z.string().min(1).describe("Topic filter to subscribe to (+ and # wildcards allowed)."),
    clientId: z
      .string()
      .min(1)
      .describe("MQTT client id: the broker keeps this client's session (and its unacknowledged messages) under it across restarts."),
    connectionBackoff: Backoff.optional().describe("Backoff between connection attempts while the broker is unreachable (default 1s, doubling, up to 30s)."),
    jsonBody: z.boolean().optional().describe("Messages are JSON: body is the parsed payload; one that is not JSON is counted and skipped."),
    tls: TLSConfig.optional(),
    metadata: z.record(z.string(), z.string()).optional().describe("Copied into the event's data.metadata."),
    filter: EventSourceFilter.optional(),
    auth: BasicAuth.optional().describe("User name and password from Secrets."),
  })
  .describe("Messages on an MQTT topic become events (QoS 1, persistent session); each is acknowledged (PUBACK) only after the bus stored its event.");

export type MQTTConfig = z.output<typeof MQTTConfig>;
