// Argo's event data of an Azure queue message (AzureQueueStorageEventData), its body decoding, and its stable event id.
import { parseJsonBody, PoisonMessage } from "../shared/poison.js";

export interface QueueMessageIn {
  messageId: string;
  messageText: string;
  insertedOn: Date;
}

export interface BodyOptions {
  jsonBody: boolean;
  decodeMessage: boolean;
}

// Strict base64 (padding required), standard and URL alphabets, as Go's StdEncoding / URLEncoding accept.
const STD = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const URL = /^(?:[A-Za-z0-9_-]{4})*(?:[A-Za-z0-9_-]{2}==|[A-Za-z0-9_-]{3}=)?$/;

/** decodeMessage: the text is base64 (URL or standard alphabet); anything else is poison, as Argo refuses it. */
export function decodeBase64(text: string): Buffer {
  const t = text.replace(/[\r\n]/g, "");
  if (STD.test(t)) return Buffer.from(t, "base64");
  if (URL.test(t)) return Buffer.from(t, "base64url");
  throw new PoisonMessage("message is not base64 (decodeMessage is true)");
}

/** The body as Argo puts it: parsed JSON with jsonBody (else poison), otherwise base64 of the bytes as Go marshals []byte. */
export function messageBody(text: string, o: BodyOptions): unknown {
  const bytes = o.decodeMessage ? decodeBase64(text) : Buffer.from(text, "utf8");
  if (o.jsonBody) return parseJsonBody(bytes.toString("utf8"));
  return bytes.toString("base64");
}

export function azureQueueEventData(m: QueueMessageIn, o: BodyOptions, metadata: Record<string, string> | undefined): Record<string, unknown> {
  return {
    body: messageBody(m.messageText, o),
    messageID: m.messageId,
    insertionTime: m.insertedOn.toISOString().replace(/\.000Z$/, "Z"),
    ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}),
  };
}

/** A message seen again (visibility timeout expired, a restart) gets the same id, so the bus stores it once. */
export function azureQueueEventId(eventSourceName: string, eventName: string, account: string, queue: string, messageId: string): string {
  return `${eventSourceName}:${eventName}:${account}/${queue}:${messageId}`;
}
