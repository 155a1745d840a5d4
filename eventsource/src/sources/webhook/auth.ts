// Bearer-token check for authSecret, compared in constant time.
import { createHash, timingSafeEqual } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { HttpError } from "./http-error.js";

const digest = (s: string) => createHash("sha256").update(s).digest();

export const MASKED_AUTH = "*** Masked Auth Secret ***";

/** Throws 401 unless the request carries `Authorization: Bearer <token>`. Hashing first makes the compare length-independent. */
export function checkBearer(req: IncomingMessage, token: string): void {
  const header = req.headers.authorization;
  if (!header || !header.startsWith("Bearer ")) throw new HttpError(401, "unauthorized", "missing or malformed Authorization header: expected 'Bearer <token>'", { "WWW-Authenticate": "Bearer" });
  if (!timingSafeEqual(digest(header.slice(7).trim()), digest(token))) throw new HttpError(401, "unauthorized", "invalid bearer token", { "WWW-Authenticate": "Bearer" });
}
