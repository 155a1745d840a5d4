// Argo's event data of a Redis pub/sub message (RedisEventData): channel, pattern, body, metadata.
import { parseJsonBody } from "../shared/poison.js";

/** body is the parsed JSON with jsonBody (a body that is not JSON is poison), else the message text, as in Argo. */
export function redisEventData(
  m: { channel: string; pattern?: string; payload: string },
  jsonBody: boolean,
  metadata: Record<string, string> | undefined,
): Record<string, unknown> {
  return {
    channel: m.channel,
    // Argo always has the field (empty for a plain SUBSCRIBE).
    pattern: m.pattern ?? "",
    body: jsonBody ? parseJsonBody(m.payload) : m.payload,
    ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

/** A channel name with a glob character is subscribed as a pattern (PSUBSCRIBE). */
export function isPattern(channel: string): boolean {
  return /[*?[]/.test(channel);
}
