// Argo's event data of a Pub/Sub message (PubSubEventData: id, body, attributes, publishTime, metadata), its stable
// event id, and Argo's default subscription id.
import { createHash } from "node:crypto";
import { parseJsonBody } from "../shared/poison.js";

export interface PubSubMessageIn {
  id: string;
  data: Buffer;
  attributes: Record<string, string>;
  /** Nanoseconds since the epoch. */
  publishTimeNanos: bigint;
}

/** Go's time.Time.String() of a UTC time, as Argo writes publishTime: "2006-01-02 15:04:05.123456789 +0000 UTC". */
export function goTimeString(nanos: bigint): string {
  const seconds = nanos / 1_000_000_000n;
  const frac = (nanos % 1_000_000_000n).toString().padStart(9, "0").replace(/0+$/, "");
  const date = new Date(Number(seconds) * 1000).toISOString().slice(0, 19).replace("T", " ");
  return `${date}${frac ? `.${frac}` : ""} +0000 UTC`;
}

/** body: the parsed message with jsonBody (not JSON: poison), otherwise base64 of the bytes as Go marshals []byte. */
export function pubSubEventData(m: PubSubMessageIn, jsonBody: boolean, metadata: Record<string, string> | undefined): Record<string, unknown> {
  return {
    id: m.id,
    body: jsonBody ? parseJsonBody(m.data.toString("utf8")) : m.data.toString("base64"),
    attributes: m.attributes,
    publishTime: goTimeString(m.publishTimeNanos),
    ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

/** A message redelivered (ack deadline passed, a restart) keeps its Pub/Sub message id, so the bus stores it once. */
export function pubSubEventId(eventSourceName: string, eventName: string, subscription: string, messageId: string): string {
  return `${eventSourceName}:${eventName}:${subscription}:${messageId}`;
}

/** Argo's default when subscriptionID is not set: the event name and a hash of its config, stable across restarts. */
export function defaultSubscriptionId(eventName: string, config: unknown): string {
  return `${eventName}-${createHash("sha256").update(eventName + JSON.stringify(config)).digest("hex").slice(0, 16)}`;
}
