// The webhook EventSource: HTTP requests become events; 200 only after the bus stored the event.
import { DEFAULT_MAX_PAYLOAD_SIZE, WebhookConfig } from "@impulse/api";
import { defineEventSource } from "../../define.js";
import { makeRoute, type Route } from "./route.js";
import { startPortServer } from "./server.js";

export const webhook = defineEventSource({
  type: "webhook",
  configSchema: WebhookConfig,
  strategy: "active-active",
  start(ctx, emit, signal) {
    const byPort = new Map<string, [string, WebhookConfig][]>();
    for (const [name, cfg] of ctx.events) {
      const list = byPort.get(cfg.port) ?? [];
      list.push([name, cfg]);
      byPort.set(cfg.port, list);
    }
    const servers = [...byPort].map(async ([port, entries]) => {
      const routes = new Map<string, Route>();
      let tls: { cert: string; key: string } | undefined;
      for (const [name, cfg] of entries) {
        if (routes.has(cfg.endpoint)) throw new Error(`webhook events "${routes.get(cfg.endpoint)!.eventName}" and "${name}" both use port ${port} endpoint ${cfg.endpoint}`);
        // The resolver reads every secret one way (a trailing newline of the file is dropped, see docs/security.md).
        const token = cfg.authSecret ? await ctx.secrets(cfg.authSecret) : undefined;
        const busLimit = ctx.busMaxPayload();
        if ((cfg.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD_SIZE) > busLimit)
          ctx.logger.warn(
            { eventName: name, maxPayloadSize: cfg.maxPayloadSize ?? DEFAULT_MAX_PAYLOAD_SIZE, busMaxPayload: busLimit },
            "maxPayloadSize is larger than the event bus's max_payload: larger bodies get 413 naming the bus limit (raise the EventBus's maxPayload)",
          );
        routes.set(cfg.endpoint, makeRoute(ctx.eventSourceName, name, cfg, token));
        if (cfg.serverCertSecret && cfg.serverKeySecret) tls = { cert: await ctx.secrets(cfg.serverCertSecret), key: await ctx.secrets(cfg.serverKeySecret) };
      }
      const server = startPortServer(
        { port: Number(port), host: ctx.listenAddress, routes, ...(tls ? { tls } : {}), emit, metrics: ctx.metrics, logger: ctx.logger, busMaxPayload: ctx.busMaxPayload, rejected: ctx.rejected },
        signal,
      );
      // Name the fields that set this port, so a busy port says what to change.
      const fields = entries.map(([name]) => `spec.webhook.${name}.port`).join(", ");
      const ready = server.ready.catch((e: Error) => {
        throw new Error(`${e.message}: change ${fields} (impulse dev: --webhook-port <port>)`);
      });
      return { ready, done: server.done };
    });
    const started = Promise.all(servers);
    return {
      ready: started.then((s) => Promise.all(s.map((x) => x.ready))).then(() => undefined),
      done: started.then((s) => Promise.all(s.map((x) => x.done))).then(() => undefined, () => undefined),
    };
  },
});
