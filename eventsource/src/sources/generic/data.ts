// Turns one payload from the generic gRPC stream into Argo's generic event data (pure).

export class NotJson extends Error {}

export interface GenericEventData {
  /** The parsed payload with jsonBody, otherwise the payload bytes base64-encoded (Go's []byte in JSON). */
  body: unknown;
  metadata?: Record<string, string>;
}

export function genericEventData(payload: Buffer, jsonBody: boolean, metadata: Record<string, string> | undefined): GenericEventData {
  let body: unknown;
  if (jsonBody) {
    try {
      body = JSON.parse(payload.toString("utf8"));
    } catch {
      // Argo fails to marshal such an event and drops it, counted; so does Impulse. The parser's message quotes the
      // payload, which may be confidential: it is not passed on.
      throw new NotJson(`payload of ${payload.length} bytes is not JSON (jsonBody is set)`);
    }
  } else body = payload.toString("base64");
  // metadata is omitted when empty (omitempty in Argo's GenericEventData).
  return metadata && Object.keys(metadata).length ? { body, metadata } : { body };
}
