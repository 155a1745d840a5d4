// Makes sure the subscription a pubSub event reads exists and belongs to its topic, creating it (and the topic) when
// missing, in the order Argo does: existing subscription → check its topic; else create it; topic missing → create both.
import type { PubSub } from "@google-cloud/pubsub";

/** gRPC status codes the Pub/Sub API answers with. */
const NOT_FOUND = 5;
const ALREADY_EXISTS = 6;

export interface SubscriptionTarget {
  /** projects/<project>/subscriptions/<id> */
  subscription: string;
  /** projects/<topic project>/topics/<topic>, when the config names a topic. */
  topic: string | undefined;
}

const code = (e: unknown) => (e as { code?: number }).code;

export async function ensureSubscription(client: PubSub, t: SubscriptionTarget, timeoutMs: number): Promise<void> {
  const gax = { timeout: timeoutMs, maxRetries: 0 };
  const sub = client.subscription(t.subscription);
  let topicOfSub: string | undefined;
  try {
    const [meta] = await sub.getMetadata(gax);
    topicOfSub = meta.topic ?? "";
  } catch (e) {
    if (code(e) !== NOT_FOUND) throw e;
  }
  if (topicOfSub !== undefined) {
    if (t.topic === undefined) return;
    if (topicOfSub === "_deleted-topic_") throw new Error(`the topic of subscription ${t.subscription} was deleted`);
    if (topicOfSub !== t.topic) throw new Error(`subscription ${t.subscription} belongs to ${topicOfSub}, not ${t.topic}`);
    return;
  }
  if (t.topic === undefined) throw new Error(`subscription ${t.subscription} does not exist: set topic to have it created`);
  const create = async () => {
    try {
      await client.topic(t.topic!).createSubscription(t.subscription, { gaxOpts: gax });
    } catch (e) {
      if (code(e) !== ALREADY_EXISTS) throw e;
    }
  };
  try {
    await create();
  } catch (e) {
    if (code(e) !== NOT_FOUND) throw e;
    try {
      await client.createTopic(t.topic, gax);
    } catch (err) {
      if (code(err) !== ALREADY_EXISTS) throw err;
    }
    await create();
  }
}
