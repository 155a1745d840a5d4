// createWebhook: makes the Stripe endpoint for this event exist with the wanted events, and knows its signing secret.
import type { KvStore } from "@impulse/bus";
import type { Registrar } from "../webhook/registration.js";
import type { StripeApi, StripeEndpoint } from "./api.js";

/** Where the verify hook reads the secret: set from the config, or once registration created or found the endpoint. */
export interface SecretHolder {
  current: string | undefined;
}

export interface StripeRegistrarOptions {
  api: StripeApi;
  url: string;
  /** enabled_events: the eventFilter, or every event ("*"). */
  events: string[];
  description: string;
  /** True when signingSecret is configured: the holder already has the secret, nothing is stored. */
  secretConfigured: boolean;
  holder: SecretHolder;
  /** The EventSource's KV bucket and key where the created endpoint's id and secret are kept for restarts and replicas. */
  kv: () => Promise<KvStore>;
  key: string;
}

const sameSet = (a: string[], b: string[]) => a.length === b.length && [...a].sort().join("\n") === [...b].sort().join("\n");

interface Stored {
  id: string;
  secret: string;
}

export function stripeRegistrar(o: StripeRegistrarOptions): Registrar {
  const read = async (): Promise<{ stored: Stored | undefined; revision: number }> => {
    const e = await (await o.kv()).get(o.key);
    if (!e) return { stored: undefined, revision: 0 };
    return { stored: JSON.parse(Buffer.from(e.value).toString("utf8")) as Stored, revision: e.revision };
  };
  return {
    async ensure() {
      const all = await o.api.list();
      const { stored, revision } = o.secretConfigured ? { stored: undefined, revision: 0 } : await read();
      const mine = all.filter((e) => e.url === o.url);
      // The endpoint whose secret we hold first; otherwise any endpoint for our URL (adopted when the secret is configured).
      let endpoint: StripeEndpoint | undefined = mine.find((e) => e.id === stored?.id) ?? (o.secretConfigured ? mine[0] : undefined);
      if (endpoint) {
        if (!sameSet(endpoint.enabled_events, o.events) || endpoint.status !== "enabled") endpoint = await o.api.update(endpoint.id, o.url, o.events);
        if (!o.secretConfigured) o.holder.current = stored!.secret;
        return;
      }
      if (!o.secretConfigured && mine.length > 0)
        throw new Error(
          `Stripe endpoint ${mine[0]!.id} for ${o.url} exists but its signing secret is not known here: set signingSecret to its whsec_… secret, or delete the endpoint so that it is created again`,
        );
      const created = await o.api.create(o.url, o.events, o.description);
      if (o.secretConfigured) return;
      if (!created.secret) throw new Error(`Stripe created endpoint ${created.id} without a signing secret in its answer`);
      const kv = await o.kv();
      const value = new TextEncoder().encode(JSON.stringify({ id: created.id, secret: created.secret } satisfies Stored));
      // Only one replica's endpoint wins; one that created another at the same time deletes it and adopts the winner's.
      if (!(await kv.update(o.key, value, revision))) {
        await o.api.remove(created.id);
        throw new Error("another replica registered the Stripe endpoint at the same time; adopting it");
      }
      o.holder.current = created.secret;
    },
    // Argo never deletes the endpoint it created (no deleteHookOnFinish for stripe).
    async remove() {},
  };
}
