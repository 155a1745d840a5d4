// The nats trigger: one core NATS message per firing (Argo's NATSTrigger), confirmed by a flush round trip before the firing succeeds.
import { ErrorCodes, ImpulseError, NatsTriggerTemplate, resolveSecurity, traceHeaders } from "@impulse/api";
import type { NatsPublisher, NatsPublisherOptions } from "@impulse/bus";
import { changedEndpointCheck } from "../egress/endpoints.js";
import { defineTrigger, type TriggerContext } from "./define.js";

export interface NatsResult {
  subject: string;
  bytes: number;
}

async function authOf(t: NatsTriggerTemplate, ctx: TriggerContext): Promise<NatsPublisherOptions["auth"]> {
  const a = t.auth;
  if (a?.basic) return { kind: "basic", user: await ctx.secrets(a.basic.username), pass: await ctx.secrets(a.basic.password) };
  if (a?.token) return { kind: "token", token: await ctx.secrets(a.token) };
  if (a?.nkey) return { kind: "nkey", seed: await ctx.secrets(a.nkey) };
  if (a?.credential) return { kind: "credential", creds: await ctx.secrets(a.credential) };
  return undefined;
}

/** One connection per server list, opened by the first firing and drained when the sensor stops. */
function publishers(ctx: TriggerContext) {
  const byUrl = new Map<string, Promise<NatsPublisher>>();
  ctx.signal.addEventListener("abort", () => void Promise.allSettled([...byUrl.values()].map(async (p) => (await p).close())), { once: true });
  return (t: NatsTriggerTemplate): Promise<NatsPublisher> => {
    const key = JSON.stringify([t.url, t.auth, t.tls]);
    let p = byUrl.get(key);
    if (!p) {
      p = (async () => {
        const { ssl } = await resolveSecurity(t.tls, undefined, ctx.secrets);
        // Loaded by the first firing: `impulse lint` and --help, which load the trigger registry, never load the NATS client.
        const { connectNatsPublisher } = await import("@impulse/bus");
        return connectNatsPublisher({ servers: t.url, name: `impulse-${ctx.sensorName}-${ctx.triggerName}`, tls: ssl, auth: await authOf(t, ctx) });
      })();
      byUrl.set(key, p);
      // A failed connect is not cached: the next attempt tries again.
      p.catch(() => byUrl.delete(key));
    }
    return p;
  };
}

export const nats = defineTrigger({
  type: "nats",
  templateSchema: NatsTriggerTemplate,
  hasPayload: true,
  supportsTls: true,
  create(ctx) {
    const publisherFor = publishers(ctx);
    const checkServers = ctx.template ? changedEndpointCheck(ctx.egress) : undefined;
    const configuredUrl = ctx.template?.nats?.url;
    return {
      async execute({ template: t, payload, idempotencyKey, replay, trace }): Promise<NatsResult> {
        if (ctx.template && t.url !== configuredUrl && t.auth)
          throw new ImpulseError(ErrorCodes.ParameterFailed, "template.nats.url was changed by a parameter: the credentials in auth are sent only to the configured url");
        await checkServers?.(configuredUrl, t.url, (url) => url.split(",").map((s) => `nats://${s.trim().replace(/^(nats|tls):\/\//, "")}`));
        const data = new TextEncoder().encode(JSON.stringify(payload ?? {}));
        try {
          const publisher = await publisherFor(t);
          // Nats-Msg-Id: a JetStream stream capturing the subject drops a second copy inside its duplicate window.
          await publisher.publish(t.subject, data, { "Nats-Msg-Id": idempotencyKey, "Idempotency-Key": idempotencyKey, ...(replay ? { "Impulse-Replay": replay } : {}), ...(trace ? traceHeaders(trace) : {}) });
        } catch (e) {
          if (e instanceof ImpulseError) throw e;
          // Credentials refused will be refused again; anything else (no server, a reconnect) may pass later.
          const auth = /authorization|authentication/i.test((e as Error).message);
          throw new ImpulseError(ErrorCodes.TriggerFailed, `publish to ${t.subject} at ${t.url}: ${(e as Error).message}`, { retryable: !auth, cause: e });
        }
        return { subject: t.subject, bytes: data.length };
      },
    };
  },
  applyPolicy() {},
  span: (t) => ({
    name: `publish ${t.subject}`,
    kind: "producer",
    attributes: { "messaging.system": "nats", "messaging.operation.type": "send", "messaging.operation.name": "publish", "messaging.destination.name": t.subject },
  }),
  spanResult: (r) => ({ "messaging.message.body.size": r.bytes }),
  describe: (r) => `nats ${r.subject} (${r.bytes} bytes)`,
});
