// GitHub App auth for git sources: the App's JWT is exchanged for an installation token, kept until a minute before it expires.
import { appJwt, ErrorCodes, ImpulseError, type GitSource } from "@impulse/api";
import { request } from "undici";
import type { SecretResolver } from "../../define.js";

/** GitHub's API for github.com; a GitHub Enterprise server serves it at /api/v3/ of its own host. */
export function githubApiBase(repoUrl: string, configured?: string): string {
  if (configured) return configured.endsWith("/") ? configured : `${configured}/`;
  const u = new URL(repoUrl);
  return /^(www\.)?github\.com$/i.test(u.hostname) ? "https://api.github.com/" : `${u.protocol}//${u.host}/api/v3/`;
}

/** One per trigger: returns a valid token, asking GitHub again only when the cached one is about to expire. */
export function githubAppTokens(secrets: SecretResolver, at: string) {
  let cached: { token: string; expires: number } | undefined;
  return async (app: NonNullable<GitSource["githubApp"]>, repoUrl: string, signal: AbortSignal): Promise<string> => {
    if (cached && cached.expires - 60_000 > Date.now()) return cached.token;
    const url = new URL(`app/installations/${app.installationID}/access_tokens`, githubApiBase(repoUrl, app.baseURL));
    const jwt = appJwt(app.appID, await secrets(app.privateKey));
    let res;
    try {
      res = await request(url, {
        method: "POST",
        headers: { accept: "application/vnd.github+json", authorization: `Bearer ${jwt}`, "x-github-api-version": "2022-11-28", "user-agent": "impulse-sensor" },
        headersTimeout: 10_000,
        bodyTimeout: 10_000,
        signal,
      });
    } catch (e) {
      throw new ImpulseError(ErrorCodes.TriggerFailed, `${at}.githubApp: POST ${url}: ${(e as Error).message}`, { retryable: true, cause: e });
    }
    const text = await res.body.text();
    if (res.statusCode !== 201)
      throw new ImpulseError(ErrorCodes.TriggerFailed, `${at}.githubApp: GitHub answered ${res.statusCode} for an installation token (App ${app.appID}, installation ${app.installationID}): ${text.slice(0, 200)}`, {
        retryable: res.statusCode === 429 || res.statusCode >= 500,
      });
    const got = JSON.parse(text) as { token: string; expires_at?: string };
    cached = { token: got.token, expires: Date.parse(got.expires_at ?? "") || Date.now() + 3_600_000 };
    return cached.token;
  };
}
