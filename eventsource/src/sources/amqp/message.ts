// Turns one AMQP delivery into Argo's amqp event data and its event id (pure; no client types).
import { goTimeString } from "../kafka/record.js";
import { parseJsonBody } from "../shared/poison.js";

/** The parts of an AMQP 0-9-1 delivery the event is made of (amqplib's message, without its types). */
export interface AmqpDeliveryIn {
  content: Buffer;
  fields: { exchange: string; routingKey: string };
  properties: {
    contentType?: unknown;
    contentEncoding?: unknown;
    deliveryMode?: unknown;
    priority?: unknown;
    correlationId?: unknown;
    replyTo?: unknown;
    expiration?: unknown;
    messageId?: unknown;
    /** Seconds since the epoch (AMQP's timestamp property). */
    timestamp?: unknown;
    type?: unknown;
    appId?: unknown;
  };
}

const str = (v: unknown) => (v === undefined || v === null ? "" : String(v));
const int = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : 0);

/** Go's zero time.Time as String() prints it: what Argo puts in `timestamp` when a message has none. */
const GO_ZERO_TIME = "0001-01-01 00:00:00 +0000 UTC";

export function amqpTimestamp(seconds: unknown): string {
  return typeof seconds === "number" && Number.isFinite(seconds) ? goTimeString(seconds * 1000) : GO_ZERO_TIME;
}

/**
 * The event id: the message's own `messageId` when the publisher set one, so a redelivered message (after a crash
 * before the ack, or a connection loss) is stored once by the bus dedup window; otherwise undefined (a new id).
 */
export function amqpEventId(m: AmqpDeliveryIn): string | undefined {
  const id = m.properties.messageId;
  return typeof id === "string" && id !== "" ? id : undefined;
}

/** The body as Argo puts it: the JSON itself with jsonBody (anything else is poison), otherwise base64 as Go marshals []byte. */
export function amqpBody(content: Buffer, jsonBody: boolean): unknown {
  return jsonBody ? parseJsonBody(content.toString("utf8")) : content.toString("base64");
}

/** Argo's AMQPEventData: the message's properties, exchange, routing key, body and the event's metadata. */
export function amqpEventData(m: AmqpDeliveryIn, jsonBody: boolean, metadata: Record<string, string> | undefined): Record<string, unknown> {
  const p = m.properties;
  const data: Record<string, unknown> = {
    contentType: str(p.contentType),
    contentEncoding: str(p.contentEncoding),
    deliveryMode: int(p.deliveryMode),
    priority: int(p.priority),
    correlationId: str(p.correlationId),
    replyTo: str(p.replyTo),
    expiration: str(p.expiration),
    messageId: str(p.messageId),
    timestamp: amqpTimestamp(p.timestamp),
    type: str(p.type),
    appId: str(p.appId),
    exchange: m.fields.exchange,
    routingKey: m.fields.routingKey,
    body: amqpBody(m.content, jsonBody),
  };
  if (metadata && Object.keys(metadata).length) data["metadata"] = metadata;
  return data;
}
