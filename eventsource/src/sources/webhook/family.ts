// Mounting the events of a webhook-family source type (webhook, github, gitlab, ...) on the EventSource's shared servers.
import { DEFAULT_MAX_PAYLOAD_SIZE, type WebhookContext } from "@impulse/api";
import type { Emit, SourceContext } from "../../define.js";
import type { RouteHooks } from "./hooks.js";
import { makeRoute, type Route } from "./route.js";

/** One endpoint a source type wants served. */
export interface WebhookEvent {
  eventName: string;
  webhook: WebhookContext;
  hooks: RouteHooks;
  /** Spec path of `webhook` for messages, e.g. "spec.github.push.webhook" (the plain webhook: "spec.webhook.push"). */
  path: string;
}

/**
 * Resolves the endpoints' secrets (authSecret, TLS) and mounts them on ctx.webhooks; resolves once every port
 * listens. Endpoints of any type may share a port; an endpoint used twice on a port is an error naming both events.
 */
export async function mountWebhookEvents(ctx: SourceContext<unknown>, type: string, emit: Emit, events: readonly WebhookEvent[]): Promise<void> {
  const byPort = new Map<string, { routes: Route[]; tls?: { cert: string; key: string }; fields: string[] }>();
  const busLimit = ctx.busMaxPayload();
  for (const e of events) {
    const w = e.webhook;
    const entry = byPort.get(w.port) ?? { routes: [], fields: [] };
    byPort.set(w.port, entry);
    // The resolver reads every secret one way (a trailing newline of the file is dropped, see docs/security.md).
    const token = w.authSecret ? await ctx.secrets(w.authSecret) : undefined;
    if ((w.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD_SIZE) > busLimit)
      ctx.logger.warn(
        { eventName: e.eventName, maxPayloadSize: w.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD_SIZE, busMaxPayload: busLimit },
        "maxPayloadSize is larger than the event bus's max_payload: larger bodies get 413 naming the bus limit (raise the EventBus's maxPayload)",
      );
    entry.routes.push(makeRoute(ctx.eventSourceName, type, e.eventName, w, token, e.hooks, emit));
    entry.fields.push(`${e.path}.port`);
    if (w.serverCertSecret && w.serverKeySecret) entry.tls = { cert: await ctx.secrets(w.serverCertSecret), key: await ctx.secrets(w.serverKeySecret) };
  }
  await Promise.all([...byPort].map(([port, m]) => ctx.webhooks.mount(Number(port), m.routes, { fields: m.fields, ...(m.tls ? { tls: m.tls } : {}) })));
}

/** Resolves when the signal aborts: the `done` of a source whose only work is its endpoints (the hub closes the servers). */
export function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
}
