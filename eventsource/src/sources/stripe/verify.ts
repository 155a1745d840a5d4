// Stripe's webhook signature: Stripe-Signature `t=<unix>,v1=<hex>[,v1=…]`, HMAC-SHA256 over `<t>.<raw body>` with the endpoint secret.
import { checkTimestamp, decodeSignature, forbidden, hmacDigest, safeEqual, unauthorized } from "../webhook/hmac.js";
import { headerValue, type Delivery } from "../webhook/hooks.js";

export const SIGNATURE_HEADER = "Stripe-Signature";

/** A Stripe-Signature header value for a body (tests, docs). */
export function stripeSignature(secret: string, timestamp: number, body: string | Buffer): string {
  return `t=${timestamp},v1=${hmacDigest("sha256", secret, [`${timestamp}.`, body]).toString("hex")}`;
}

/**
 * Throws 401 when the header is missing, 403 when it is malformed, stale (outside `toleranceSeconds` of now) or no v1
 * signature matches. Other schemes (v0, test-mode extras) are ignored, as Stripe's libraries do; several v1 values
 * (during a secret roll) may be present, one must match.
 */
export function verifyStripe(d: Delivery, secret: string, toleranceSeconds: number, now: number = Date.now()): void {
  const header = headerValue(d, SIGNATURE_HEADER);
  if (!header) throw unauthorized(`missing ${SIGNATURE_HEADER} header`);
  let timestamp: string | undefined;
  const signatures: Buffer[] = [];
  for (const part of header.split(",")) {
    const eq = part.indexOf("=");
    if (eq < 0) continue;
    const key = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (key === "t") timestamp = value;
    else if (key === "v1") {
      const sig = decodeSignature(value, "hex");
      if (sig) signatures.push(sig);
    }
  }
  if (timestamp === undefined) throw forbidden(`${SIGNATURE_HEADER} has no timestamp (t=)`);
  if (signatures.length === 0) throw forbidden(`${SIGNATURE_HEADER} has no v1 signature`);
  checkTimestamp(timestamp, `${SIGNATURE_HEADER} t`, toleranceSeconds, now);
  const expected = hmacDigest("sha256", secret, [`${timestamp}.`, d.raw]);
  // Every candidate is compared (no early exit on a match), each in constant time.
  let ok = false;
  for (const s of signatures) ok = safeEqual(s, expected) || ok;
  if (!ok) throw forbidden(`${SIGNATURE_HEADER} does not match`);
}
