// Argo's event data of a NATS message (NATSEventData): subject, body, header, metadata.
import { parseJsonBody } from "../shared/poison.js";

export interface NatsMessageIn {
  subject: string;
  data: Uint8Array;
  /** Header name → values, as the message carried them (absent when it had none). */
  headers?: Record<string, string[]>;
}

/** body is the parsed JSON with jsonBody (a body that is not JSON is poison), else the bytes base64-encoded as Go's JSON does. */
export function natsEventData(m: NatsMessageIn, jsonBody: boolean, metadata: Record<string, string> | undefined): Record<string, unknown> {
  const body = jsonBody ? parseJsonBody(Buffer.from(m.data).toString("utf8")) : Buffer.from(m.data).toString("base64");
  return {
    subject: m.subject,
    body,
    ...(m.headers && Object.keys(m.headers).length > 0 ? { header: m.headers } : {}),
    ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}
