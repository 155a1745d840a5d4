// Which URLs an SNS message may make the source fetch (SigningCertURL, SubscribeURL): SNS's own hosts or the endpoint.
//
// The URLs come from request bodies, which anyone reaching the endpoint can send, so they are never fetched as given:
// - https on an SNS host (sns.<region>.amazonaws.com, .com.cn) is allowed (Argo's rule for certificates);
// - with `endpoint` set, a URL on the endpoint's origin (scheme, host and port) is allowed too, and a URL on an SNS
//   host is fetched from the endpoint instead (same path and query): the operator chose that server, and SNS emulators
//   (moto) name amazonaws.com in the messages they sign while serving the certificates themselves;
// - anything else is refused before any connection is made, and redirects are not followed.
import { HttpError } from "../webhook/http-error.js";

const SNS_HOST = /^sns\.[a-z0-9-]{3,}\.amazonaws\.com(\.cn)?$/;

/** The URL to fetch for `given`, or an HttpError 403 naming the rule it broke (the URL is the sender's, not a secret). */
export function trustedUrl(given: string, field: "SigningCertURL" | "SubscribeURL", endpoint: string | undefined): URL {
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    throw new HttpError(403, "forbidden", `${field} is not a URL`);
  }
  const base = endpoint ? new URL(endpoint) : undefined;
  if (base && url.origin === base.origin) return url;
  if (url.protocol === "https:" && SNS_HOST.test(url.hostname.toLowerCase()) && url.port === "") {
    if (!base) return url;
    return new URL(`${url.pathname}${url.search}`, base.origin);
  }
  throw new HttpError(
    403,
    "forbidden",
    `${field} host ${url.host} is neither an SNS host (https://sns.<region>.amazonaws.com)${base ? ` nor the endpoint ${base.origin}` : ""}: not fetched`,
  );
}
