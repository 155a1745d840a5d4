// Slack's request signing (v0): HMAC-SHA256 over `v0:<timestamp>:<raw body>` with the app's signing secret.
import { checkTimestamp, decodeSignature, forbidden, hmacDigest, safeEqual, unauthorized } from "../webhook/hmac.js";
import { headerValue, type Delivery } from "../webhook/hooks.js";

export const SIGNATURE_HEADER = "X-Slack-Signature";
export const TIMESTAMP_HEADER = "X-Slack-Request-Timestamp";
/** Slack's recommended window against replayed requests. */
export const TOLERANCE_SECONDS = 300;

/** The X-Slack-Signature value for a body (used by tests and the docs' curl recipe). */
export function slackSignature(secret: string, timestamp: string, body: string | Buffer): string {
  return "v0=" + hmacDigest("sha256", secret, [`v0:${timestamp}:`, body]).toString("hex");
}

/** Throws 401 (missing headers) or 403 (stale, malformed, wrong) unless the request is signed with `secret`. */
export function verifySlack(d: Delivery, secret: string, now: number = Date.now()): void {
  const signature = headerValue(d, SIGNATURE_HEADER);
  if (!signature) throw unauthorized(`missing ${SIGNATURE_HEADER} header`);
  const timestamp = headerValue(d, TIMESTAMP_HEADER)?.trim();
  checkTimestamp(timestamp || undefined, TIMESTAMP_HEADER, TOLERANCE_SECONDS, now);
  if (!signature.startsWith("v0=")) throw forbidden(`${SIGNATURE_HEADER} is not a v0 signature`);
  const given = decodeSignature(signature.slice(3), "hex");
  const expected = hmacDigest("sha256", secret, [`v0:${timestamp}:`, d.raw]);
  if (!given || !safeEqual(given, expected)) throw forbidden(`${SIGNATURE_HEADER} does not match`);
}
