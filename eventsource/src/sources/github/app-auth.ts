// GitHub App authentication: a JWT signed with the App's key is exchanged for an installation token (cached until near expiry).
import { appJwt } from "@impulse/api";
import { GithubApiError } from "./api.js";

// Moved to @impulse/api (the git sources of the sensor sign the same JWT); re-exported for this source's users.
export { appJwt };

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
