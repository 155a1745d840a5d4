// The SNS signing certificates: fetched from SigningCertURL under the trust rule (trust.ts), cached per URL.
import { X509Certificate, type KeyObject } from "node:crypto";
import { HttpError } from "../webhook/http-error.js";

/** AWS rotates signing certificates rarely; moto makes one per message, so the cache is bounded. */
const MAX_CERTS = 64;
/** Argo reads at most 65 KiB of a certificate; a PEM is ~2 KiB. */
const MAX_CERT_BYTES = 65 * 1024;

export type CertFetcher = (url: URL) => Promise<KeyObject>;

async function fetchCert(url: URL): Promise<KeyObject> {
  let res: Response;
  try {
    // Redirects are not followed: the trust rule judged this URL, not where it might send us.
    res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    throw new HttpError(502, "certificate", `could not fetch the signing certificate from ${url.origin}: ${(e as Error).message}`);
  }
  if (res.status !== 200) {
    await res.body?.cancel();
    throw new HttpError(res.status === 404 ? 403 : 502, res.status === 404 ? "forbidden" : "certificate", `signing certificate ${url.origin}${url.pathname}: HTTP ${res.status}`);
  }
  const bytes = Buffer.from(await res.arrayBuffer());
  if (bytes.length > MAX_CERT_BYTES) throw new HttpError(403, "forbidden", "signing certificate is too large");
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(bytes);
  } catch {
    throw new HttpError(403, "forbidden", "SigningCertURL does not hold a PEM certificate");
  }
  const now = Date.now();
  if (now < Date.parse(cert.validFrom) || now > Date.parse(cert.validTo)) throw new HttpError(403, "forbidden", "the signing certificate is expired or not yet valid");
  return cert.publicKey;
}

/** A fetcher that keeps each certificate's key (failures are not kept: the next message tries again). */
export function cachedCerts(fetcher: CertFetcher = fetchCert): CertFetcher {
  const cache = new Map<string, Promise<KeyObject>>();
  return (url) => {
    const key = url.href;
    let hit = cache.get(key);
    if (!hit) {
      if (cache.size >= MAX_CERTS) cache.delete(cache.keys().next().value!);
      hit = fetcher(url);
      cache.set(key, hit);
      hit.catch(() => cache.delete(key));
    }
    return hit;
  };
}
