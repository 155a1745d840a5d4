// The sns endpoint's hooks: signature check, subscription confirmation, Argo's {header, body, metadata} data, MessageId as id.
import type { Delivery, HookAnswer, RouteHooks } from "../webhook/hooks.js";
import { HttpError } from "../webhook/http-error.js";
import type { CertFetcher } from "./certs.js";
import { parseSnsMessage, signatureAlgorithm, signatureValid, type SnsMessage } from "./message.js";
import type { SubscriptionHolder } from "./subscription.js";
import { trustedUrl } from "./trust.js";

export interface SnsHookOptions {
  topicArn: string;
  endpoint: string | undefined;
  validateSignature: boolean;
  certs: CertFetcher;
  holder: SubscriptionHolder;
}

/** GETs the SubscribeURL (already judged by the trust rule); answers the SubscriptionArn SNS returns, if any. */
async function confirm(url: URL): Promise<string | undefined> {
  let res: Response;
  try {
    res = await fetch(url, { redirect: "manual", signal: AbortSignal.timeout(10_000) });
  } catch (e) {
    throw new HttpError(502, "confirmation", `could not confirm the subscription at ${url.origin}: ${(e as Error).message}`);
  }
  const text = (await res.text()).slice(0, 16_384);
  if (!res.ok) throw new HttpError(502, "confirmation", `confirming the subscription at ${url.origin}: HTTP ${res.status}`);
  return /<SubscriptionArn>([^<]+)<\/SubscriptionArn>/.exec(text)?.[1];
}

export function snsHooks(o: SnsHookOptions): RouteHooks {
  const parsed = new WeakMap<Delivery, SnsMessage>();
  const parse = (d: Delivery) => {
    let m = parsed.get(d);
    if (!m) parsed.set(d, (m = parseSnsMessage(d.raw)));
    return m;
  };
  return {
    headersField: "header",
    async verify(d) {
      const m = parse(d);
      if (!o.validateSignature) return;
      if (!m.Signature || !m.SigningCertURL) throw new HttpError(401, "unauthorized", "missing Signature or SigningCertURL: the message is not signed");
      if (!signatureAlgorithm(m.SignatureVersion)) throw new HttpError(403, "forbidden", `SignatureVersion ${JSON.stringify(m.SignatureVersion ?? null)} is not supported (1: SHA1, 2: SHA256)`);
      const key = await o.certs(trustedUrl(m.SigningCertURL, "SigningCertURL", o.endpoint));
      if (!signatureValid(m, key)) throw new HttpError(403, "forbidden", "the SNS message signature does not match its signing certificate");
    },
    async answer(d): Promise<HookAnswer | undefined> {
      const m = parse(d);
      if (m.Type === "Notification") return undefined;
      // Unsubscribing is done at stop through the API; SNS's note of it has nothing to store.
      if (m.Type === "UnsubscribeConfirmation") return { status: 200, body: { status: "ignored", type: m.Type } };
      // Only our topic is confirmed: a confirmation for another topic would subscribe this endpoint to someone else's.
      if (m.TopicArn !== o.topicArn) throw new HttpError(403, "forbidden", `SubscriptionConfirmation for topic ${m.TopicArn}: this endpoint subscribes ${o.topicArn}`);
      const arn = await confirm(trustedUrl(m.SubscribeURL!, "SubscribeURL", o.endpoint));
      // Subscribe already answered the subscription's ARN (ReturnSubscriptionArn); this one only fills a gap.
      if (arn && !o.holder.arn) o.holder.arn = arn;
      return { status: 200, body: { status: "confirmed", topicArn: m.TopicArn } };
    },
    body: parse,
    eventId: (d) => parse(d).MessageId,
  };
}
