// Starting a webhook-family source whose events may register their hook at the sender (github, gitlab, bitbucket...):
// the per-type code says how to verify and how to register; mounting, registration lifecycles and `done` live here.
import type { SecretKeySelector, WebhookContext } from "@impulse/api";
import type { Emit, RunningSource, SourceContext } from "../../define.js";
import { mountWebhookEvents, untilAborted, type WebhookEvent } from "./family.js";
import type { RouteHooks } from "./hooks.js";
import { runRegistration, type RegistrationOptions } from "./registration.js";

/** What one event of the source contributes: its route hooks and, when it registers a hook, how. */
export interface HookedEvent {
  hooks: RouteHooks;
  /** Absent when the event only receives (no API credentials or no webhook.url). */
  registration?: Pick<RegistrationOptions, "registrar" | "deleteOnFinish" | "resyncMs" | "resyncTimes" | "noun">;
}

/** The fields every hooked source type's event has: its endpoint and (as Argo) its own metadata for the event data. */
interface HookedConfig {
  webhook: WebhookContext;
  metadata?: Record<string, string> | undefined;
}

/** Reads a signing secret that the spec may leave out; without one, says (once per event) that anyone can send events. */
export async function optionalSecret(ctx: SourceContext<unknown>, eventName: string, ref: SecretKeySelector | undefined, field: string): Promise<string | undefined> {
  const secret = ref ? await ctx.secrets(ref) : undefined;
  if (!secret) ctx.logger.warn({ eventName }, `no ${field}: deliveries are not authenticated (anyone reaching the endpoint can send events)`);
  return secret;
}

/**
 * Mounts every event's endpoint (its data's metadata is the entry's own `metadata`, not webhook.metadata, as in Argo)
 * and keeps each registration running until the signal aborts; `done` waits for them (deleteHookOnFinish runs there).
 */
export function startHookedSource<C extends HookedConfig>(
  ctx: SourceContext<C>,
  type: string,
  emit: Emit,
  signal: AbortSignal,
  setup: (eventName: string, cfg: C) => Promise<HookedEvent>,
): RunningSource {
  const registrations: Promise<void>[] = [];
  const ready = (async () => {
    const events: WebhookEvent[] = [];
    const pending: [string, NonNullable<HookedEvent["registration"]>][] = [];
    for (const [name, cfg] of ctx.events) {
      const { hooks, registration } = await setup(name, cfg);
      const { metadata: _m, ...context } = cfg.webhook;
      events.push({ eventName: name, webhook: cfg.metadata ? { ...context, metadata: cfg.metadata } : context, path: `spec.${type}.${name}.webhook`, hooks });
      if (registration) pending.push([name, registration]);
    }
    await mountWebhookEvents(ctx as SourceContext<unknown>, type, emit, events);
    // Registered only once the ports listen: senders deliver at once (GitHub's ping, SNS's SubscriptionConfirmation).
    for (const [name, registration] of pending)
      registrations.push(
        runRegistration({
          ...registration,
          eventSourceName: ctx.eventSourceName,
          eventName: name,
          health: (s) => ctx.health(name, s),
          logger: ctx.logger,
          metrics: ctx.metrics,
          signal,
        }),
      );
  })();
  return { ready, done: ready.then(() => Promise.all([untilAborted(signal), ...registrations]).then(() => undefined), () => undefined) };
}
