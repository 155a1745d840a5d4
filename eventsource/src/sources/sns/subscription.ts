// The topic subscription of one sns event, as a Registrar (webhook/registration.ts retries it with backoff, shows it on
// /health and runs remove() on stop): Subscribe at start, Unsubscribe at stop, as Argo does.
import type { SNSClient } from "@aws-sdk/client-sns";
import type { Registrar } from "../webhook/registration.js";

/** The subscription's ARN: set by Subscribe (ReturnSubscriptionArn) and replaced by a confirmation's answer. */
export interface SubscriptionHolder {
  arn?: string | undefined;
}

/** http or https, from the URL SNS delivers to (Argo's rule). */
export const protocolOf = (url: string): "http" | "https" => (/^https:\/\//i.test(url) ? "https" : "http");

export function snsSubscription(client: () => Promise<SNSClient>, topicArn: string, url: string, holder: SubscriptionHolder): Registrar {
  return {
    async ensure() {
      const { SubscribeCommand } = await import("@aws-sdk/client-sns");
      // Subscribe is idempotent for the same topic, protocol and endpoint: a resync finds the existing subscription.
      const out = await (await client()).send(new SubscribeCommand({ TopicArn: topicArn, Protocol: protocolOf(url), Endpoint: url, ReturnSubscriptionArn: true }));
      if (out.SubscriptionArn && out.SubscriptionArn !== "pending confirmation") holder.arn = out.SubscriptionArn;
    },
    async remove() {
      if (!holder.arn) return;
      const { UnsubscribeCommand } = await import("@aws-sdk/client-sns");
      await (await client()).send(new UnsubscribeCommand({ SubscriptionArn: holder.arn }));
      holder.arn = undefined;
    },
  };
}
