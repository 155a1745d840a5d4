// Argo's event data of an NSQ message (NSQEventData: body, timestamp, nsqdAddress, metadata) and its stable event id.
import { parseJsonBody } from "../shared/poison.js";

export interface NsqMessageIn {
  id: string;
  body: Buffer;
  /** Nanoseconds since the epoch, as nsqd stamps the message when it is published. */
  timestamp: bigint;
  /** host:port of the nsqd the message came from. */
  nsqdAddress: string;
}

/**
 * body: the parsed message with jsonBody (a message that is not JSON is poison), otherwise base64 of the bytes as Go
 * marshals []byte; timestamp: nanoseconds as a decimal string, as Argo's strconv.Itoa gives it.
 */
export function nsqEventData(m: NsqMessageIn, jsonBody: boolean, metadata: Record<string, string> | undefined): Record<string, unknown> {
  return {
    body: jsonBody ? parseJsonBody(m.body.toString("utf8")) : m.body.toString("base64"),
    timestamp: m.timestamp.toString(),
    nsqdAddress: m.nsqdAddress,
    ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

/**
 * A message nsqd hands out again (a REQ, a timeout, a consumer that died before FIN) keeps its id, so the bus stores it
 * once. nsqd's ids are unique per nsqd node (they carry its node id), hence the topic and channel scope them.
 */
export function nsqEventId(eventSourceName: string, eventName: string, topic: string, channel: string, messageId: string): string {
  return `${eventSourceName}:${eventName}:${topic}/${channel}:${messageId}`;
}
