// An SNS HTTP(S) message (docs.aws.amazon.com/sns/latest/dg/http-message-format.html): parsing and its string to sign.
import { verify as verifySignature, type KeyObject } from "node:crypto";
import { parseJsonBody } from "../webhook/body.js";
import { HttpError } from "../webhook/http-error.js";

export type SnsMessageType = "Notification" | "SubscriptionConfirmation" | "UnsubscribeConfirmation";
const TYPES: readonly string[] = ["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"];

export interface SnsMessage {
  Type: SnsMessageType;
  MessageId: string;
  TopicArn: string;
  Message: string;
  Timestamp: string;
  Subject?: string;
  Token?: string;
  SubscribeURL?: string;
  SignatureVersion?: string;
  Signature?: string;
  SigningCertURL?: string;
  [k: string]: unknown;
}

const str = (v: unknown) => typeof v === "string";

/** The JSON body of an SNS POST; a body that is not one is 400 (nothing to confirm or store). */
export function parseSnsMessage(raw: Buffer): SnsMessage {
  const doc = parseJsonBody(raw);
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) throw new HttpError(400, "invalid", "not an SNS message: a JSON object is expected");
  const m = doc as Record<string, unknown>;
  if (!str(m["Type"]) || !TYPES.includes(m["Type"] as string))
    throw new HttpError(400, "invalid", "not an SNS message: Type must be Notification, SubscriptionConfirmation or UnsubscribeConfirmation");
  for (const k of ["MessageId", "TopicArn", "Message", "Timestamp"]) if (!str(m[k]) || (m[k] === "" && k !== "Message")) throw new HttpError(400, "invalid", `not an SNS message: ${k} must be a string`);
  for (const k of ["Subject", "Token", "SubscribeURL", "SignatureVersion", "Signature", "SigningCertURL"])
    if (m[k] !== undefined && m[k] !== null && !str(m[k])) throw new HttpError(400, "invalid", `not an SNS message: ${k} must be a string`);
  if (m["Type"] !== "Notification" && (!str(m["Token"]) || !str(m["SubscribeURL"])))
    throw new HttpError(400, "invalid", `not an SNS ${m["Type"] as string}: Token and SubscribeURL are required`);
  return m as SnsMessage;
}

/** The fields AWS signs, in order; Subject only when the notification has one. */
const SIGNED: Record<SnsMessageType, readonly string[]> = {
  Notification: ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"],
  SubscriptionConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
  UnsubscribeConfirmation: ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
};

/** "Name\nvalue\n" for each signed field present, as AWS documents (verify-message-signature.html). */
export function stringToSign(m: SnsMessage): string {
  let out = "";
  for (const k of SIGNED[m.Type]) {
    const v = m[k];
    if (typeof v === "string" && (v !== "" || k === "Message")) out += `${k}\n${v}\n`;
  }
  return out;
}

/** SignatureVersion 1 is RSA with SHA1, 2 is RSA with SHA256; anything else cannot be verified. */
export function signatureAlgorithm(version: string | undefined): "sha1" | "sha256" | undefined {
  return version === "1" ? "sha1" : version === "2" ? "sha256" : undefined;
}

/** Whether the message's Signature (base64) is valid for `key` (the signing certificate's public key). */
export function signatureValid(m: SnsMessage, key: KeyObject): boolean {
  const algo = signatureAlgorithm(m.SignatureVersion);
  if (!algo || !m.Signature) return false;
  const sig = Buffer.from(m.Signature, "base64");
  if (sig.length === 0) return false;
  try {
    return verifySignature(algo, Buffer.from(stringToSign(m), "utf8"), key, sig);
  } catch {
    return false;
  }
}
