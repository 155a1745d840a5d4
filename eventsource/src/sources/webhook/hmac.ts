// HMAC signature checks shared by the webhook family: constant-time, over the raw body, never echoing the secret.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { WebhookHmac } from "@impulse/api";
import { headerValue, type Delivery } from "./hooks.js";
import { HttpError } from "./http-error.js";

export type HmacAlgorithm = "sha1" | "sha256" | "sha512";

/** HMAC of the concatenated parts (kept as bytes: a body need not be valid UTF-8). */
export function hmacDigest(algorithm: HmacAlgorithm, secret: string | Buffer, parts: readonly (string | Buffer)[]): Buffer {
  const h = createHmac(algorithm, secret);
  for (const p of parts) h.update(p);
  return h.digest();
}

/** Constant-time equality of two byte strings; a length difference is not secret (every digest of one algorithm has one length). */
export function safeEqual(a: Buffer, b: Buffer): boolean {
  return a.length === b.length && timingSafeEqual(a, b);
}

const HEX = /^[0-9a-fA-F]*$/;
const BASE64 = /^[A-Za-z0-9+/_-]*={0,2}$/;

/** Decodes a signature as written by the sender, or undefined when it is not valid in that encoding. */
export function decodeSignature(text: string, encoding: "hex" | "base64"): Buffer | undefined {
  const t = text.trim();
  if (encoding === "hex") return HEX.test(t) && t.length % 2 === 0 ? Buffer.from(t, "hex") : undefined;
  return BASE64.test(t) ? Buffer.from(t, "base64") : undefined;
}

export const unauthorized = (message: string) => new HttpError(401, "unauthorized", message);
export const forbidden = (message: string) => new HttpError(403, "forbidden", message);

/** Throws 403 unless `seconds` (Unix time, as sent) is within `tolerance` seconds of now. */
export function checkTimestamp(seconds: string | undefined, header: string, toleranceSeconds: number, now: number = Date.now()): void {
  if (seconds === undefined) throw unauthorized(`missing ${header} header`);
  if (!/^\d{1,12}$/.test(seconds.trim())) throw forbidden(`${header} is not a Unix time in seconds`);
  if (Math.abs(now / 1000 - Number(seconds)) > toleranceSeconds) throw forbidden(`stale request: ${header} is more than ${toleranceSeconds}s from now`);
}

/** A `verify` hook for `spec.webhook.<name>.hmac` (an Impulse extension): any sender's HMAC over a template of body and timestamp. */
export function hmacVerifier(spec: WebhookHmac, secret: string, now: () => number = Date.now): (d: Delivery) => void {
  const [before, after] = splitOnce(spec.signedPayload, "{body}");
  return (d) => {
    const given = headerValue(d, spec.header);
    if (given === undefined || given === "") throw unauthorized(`missing ${spec.header} signature header`);
    let timestamp = "";
    if (spec.timestampHeader) {
      timestamp = headerValue(d, spec.timestampHeader)?.trim() ?? "";
      checkTimestamp(timestamp || undefined, spec.timestampHeader, spec.toleranceSeconds, now());
    }
    if (spec.prefix && given.slice(0, spec.prefix.length).toLowerCase() !== spec.prefix.toLowerCase())
      throw forbidden(`${spec.header} does not start with '${spec.prefix}'`);
    const sig = decodeSignature(given.slice(spec.prefix.length), spec.encoding);
    const expected = hmacDigest(spec.algorithm, secret, [before.replaceAll("{timestamp}", timestamp), d.raw, after.replaceAll("{timestamp}", timestamp)]);
    if (!sig || !safeEqual(sig, expected)) throw forbidden(`${spec.header} signature does not match`);
  };
}

function splitOnce(s: string, token: string): [string, string] {
  const i = s.indexOf(token);
  return [s.slice(0, i), s.slice(i + token.length)];
}
