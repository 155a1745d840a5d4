// Bearer-token check for authSecret, compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { HttpError } from "./http-error.js";

const digest = (s: string) => createHash("sha256").update(s).digest();

export const MASKED_AUTH = "*** Masked Auth Secret ***";

/** The scheme name is case-insensitive (RFC 7235 §2.1): `Bearer`, `bearer` and `BEARER` are one scheme. */
const BEARER = /^bearer[ \t]+(\S+)[ \t]*$/i;

/** The token of an `Authorization: Bearer <token>` header, or undefined when the header is absent or another scheme. */
export function bearerToken(header: string | undefined): string | undefined {
  return header === undefined ? undefined : BEARER.exec(header)?.[1];
}

/** Throws 401 unless the request carries `Authorization: Bearer <token>`. Hashing first makes the compare length-independent. */
export function checkBearer(req: IncomingMessage, token: string): void {
  const given = bearerToken(req.headers.authorization);
  if (given === undefined) throw new HttpError(401, "unauthorized", "missing or malformed Authorization header: expected 'Bearer <token>'", { "WWW-Authenticate": "Bearer" });
  if (!timingSafeEqual(digest(given), digest(token))) throw new HttpError(401, "unauthorized", "invalid bearer token", { "WWW-Authenticate": "Bearer" });
}
