// Argo's event data of an SQS message (SQSEventData: messageId, messageAttributes, body, metadata) and its stable event id.
import { parseJsonBody } from "../shared/poison.js";

/** The parts of an SDK v3 Message the event is built from. */
export interface SqsMessage {
  MessageId?: string | undefined;
  Body?: string | undefined;
  MessageAttributes?: Record<string, { DataType?: string | undefined; StringValue?: string | undefined; BinaryValue?: Uint8Array | undefined; StringListValues?: string[] | undefined; BinaryListValues?: Uint8Array[] | undefined }> | undefined;
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString("base64");

/** A message attribute with Argo's (the Go SDK's) field names; binary values are base64, as Go encodes []byte. */
function attribute(a: NonNullable<SqsMessage["MessageAttributes"]>[string]): Record<string, unknown> {
  return {
    DataType: a.DataType ?? "",
    ...(a.StringValue !== undefined ? { StringValue: a.StringValue } : {}),
    ...(a.BinaryValue !== undefined ? { BinaryValue: b64(a.BinaryValue) } : {}),
    ...(a.StringListValues?.length ? { StringListValues: a.StringListValues } : {}),
    ...(a.BinaryListValues?.length ? { BinaryListValues: a.BinaryListValues.map(b64) } : {}),
  };
}

/**
 * body is the parsed JSON with jsonBody (a body that is not JSON is poison), else the base64 of the body bytes, as
 * Argo (Go marshals its []byte body as base64).
 */
export function sqsEventData(m: SqsMessage, jsonBody: boolean, metadata: Record<string, string> | undefined): Record<string, unknown> {
  const text = m.Body ?? "";
  return {
    messageId: m.MessageId ?? "",
    messageAttributes: Object.fromEntries(Object.entries(m.MessageAttributes ?? {}).map(([k, v]) => [k, attribute(v)])),
    body: jsonBody ? parseJsonBody(text) : Buffer.from(text, "utf8").toString("base64"),
    ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

/** SQS redelivers a message with the same MessageId (after a visibility timeout or a crash): the same event id, stored once. */
export function sqsEventId(eventSourceName: string, eventName: string, queue: string, messageId: string): string {
  return `${eventSourceName}:${eventName}:sqs:${queue}:${messageId}`;
}
