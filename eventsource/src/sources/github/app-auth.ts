// GitHub App authentication: a JWT signed with the App's key is exchanged for an installation token (cached until near expiry).
import { createPrivateKey, sign } from "node:crypto";
import { GithubApiError } from "./api.js";

const b64url = (b: Buffer | string) => Buffer.from(b).toString("base64url");

/** An RS256 JWT for the App (docs: generating a JSON Web Token for a GitHub App): iat 60 s back for clock drift, 9 min life. */
export function appJwt(appId: number, privateKeyPem: string, nowMs = Date.now()): string {
  const now = Math.floor(nowMs / 1000);
  const head = b64url(JSON.stringify({ alg: "RS256", typ: "JWT" }));
  const body = b64url(JSON.stringify({ iat: now - 60, exp: now + 540, iss: String(appId) }));
  const signature = sign("RSA-SHA256", Buffer.from(`${head}.${body}`), createPrivateKey(privateKeyPem));
  return `${head}.${body}.${b64url(signature)}`;
}

/** Returns a function giving a valid installation access token, fetching a new one a minute before the old expires. */
export function installationToken(baseUrl: string, appId: number, installationId: number, privateKeyPem: string): () => Promise<string> {
  const base = baseUrl.endsWith("/") ? baseUrl : `${baseUrl}/`;
  let cached: { token: string; expires: number } | undefined;
  return async () => {
    if (cached && cached.expires - 60_000 > Date.now()) return cached.token;
    const url = new URL(`app/installations/${installationId}/access_tokens`, base);
    const res = await fetch(url, {
      method: "POST",
      headers: { Accept: "application/vnd.github+json", Authorization: `Bearer ${appJwt(appId, privateKeyPem)}`, "X-GitHub-Api-Version": "2022-11-28", "User-Agent": "impulse-eventsource" },
      signal: AbortSignal.timeout(10_000),
    });
    if (res.status !== 201) throw new GithubApiError(res.status, `POST ${url.pathname}: ${res.status} (GitHub App ${appId}, installation ${installationId})`);
    const got = (await res.json()) as { token: string; expires_at: string };
    cached = { token: got.token, expires: Date.parse(got.expires_at) || Date.now() + 3_600_000 };
    return cached.token;
  };
}
