// GitHub App JWTs (docs: "Generating a JSON Web Token for a GitHub App"), shared by the github EventSource and git sources.
import { createPrivateKey, sign } from "node:crypto";

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

/** An RS256 JWT for the App: iat 60 s back for clock drift, 9 min life. Pure: signs, does no I/O. */
export function appJwt(appId: number, privateKeyPem: string, nowMs = Date.now()): string {
  const now = Math.floor(nowMs / 1000);
  const head = b64url(JSON.stringify({ alg: "RS256", typ: "JWT" }));
  const body = b64url(JSON.stringify({ iat: now - 60, exp: now + 540, iss: String(appId) }));
  const signature = sign("RSA-SHA256", Buffer.from(`${head}.${body}`), createPrivateKey(privateKeyPem));
  return `${head}.${body}.${b64url(signature)}`;
}
