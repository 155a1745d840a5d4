// Argo's event data of a Pulsar message (PulsarEventData), its body decoding, and its stable event id.
import { parseJsonBody } from "../shared/poison.js";

/** A message as Pulsar's WebSocket consumer API delivers it. */
export interface WsMessage {
  messageId: string;
  /** Base64 of the message bytes. */
  payload: string;
  publishTime: string;
  key?: string;
  properties?: Record<string, string>;
  redeliveryCount?: number;
}

/** Go's time.Time.String() of a UTC instant, as Argo writes publishTime: "2026-11-30 05:30:00.095 +0000 UTC". */
export function goUtcTimeString(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const [date, rest] = d.toISOString().split("T") as [string, string];
  const [hms, ms] = rest.replace("Z", "").split(".") as [string, string];
  const frac = ms.replace(/0+$/, "");
  return `${date} ${hms}${frac ? `.${frac}` : ""} +0000 UTC`;
}

export function pulsarEventData(m: WsMessage, jsonBody: boolean, metadata: Record<string, string> | undefined): Record<string, unknown> {
  const body = jsonBody ? parseJsonBody(Buffer.from(m.payload, "base64").toString("utf8")) : m.payload;
  return {
    key: m.key ?? "",
    publishTime: goUtcTimeString(m.publishTime),
    // Without jsonBody, Go marshals the []byte as base64: the WebSocket API's payload already is exactly that.
    body,
    ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

/** The message id is stable across redeliveries (its ledger and entry), so a message read again is stored once. */
export function pulsarEventId(eventSourceName: string, eventName: string, topic: string, messageId: string): string {
  return `${eventSourceName}:${eventName}:${topic}:${messageId}`;
}
