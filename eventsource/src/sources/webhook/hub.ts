// The webhook servers of one EventSource: one server per port, shared by every webhook-family source type on it.
import type { Tracing } from "@impulse/api";
import type { Logger } from "pino";
import type { EventSourceMetrics } from "../../metrics.js";
import type { Route } from "./route.js";
import { startPortServer } from "./server.js";

export interface MountOptions {
  /** TLS of this port (serverCertSecret/serverKeySecret); every mount on one port must agree on TLS or plain HTTP. */
  tls?: { cert: string; key: string };
  /** The spec fields that chose this port, named when the port is busy (e.g. spec.github.push.webhook.port). */
  fields: string[];
}

export interface WebhookHub {
  /**
   * Serves `routes` on `port`, starting its server on first use; resolves once the port listens. Throws when an
   * endpoint is already mounted on the port (by any source type) or the mounts disagree on TLS.
   */
  mount(port: number, routes: readonly Route[], o: MountOptions): Promise<void>;
  /** Resolves once every server closed after the signal aborted. */
  done: Promise<void>;
}

interface Port {
  routes: Map<string, Route>;
  tls: boolean;
  ready: Promise<void>;
  done: Promise<void>;
}

export function createWebhookHub(
  o: {
    host: string;
    metrics: EventSourceMetrics;
    logger: Logger;
    busMaxPayload: () => number;
    /** Records a refused request in the journal (sampled). */
    rejected?: ((eventName: string, reason: string) => void) | undefined;
    tracing?: Tracing | undefined;
  },
  signal: AbortSignal,
): WebhookHub {
  const ports = new Map<number, Port>();
  const aborted = new Promise<void>((resolve) => (signal.aborted ? resolve() : signal.addEventListener("abort", () => resolve(), { once: true })));
  return {
    mount(port, routes, m) {
      let p = ports.get(port);
      if (p && p.tls !== Boolean(m.tls))
        return Promise.reject(new Error(`port ${port} is served ${p.tls ? "with" : "without"} TLS by another event: ${m.fields.join(", ")} must use it the same way`));
      const map = p?.routes ?? new Map<string, Route>();
      for (const r of routes) {
        const other = map.get(r.config.endpoint);
        if (other) return Promise.reject(new Error(`${other.type} event "${other.eventName}" and ${r.type} event "${r.eventName}" both use port ${port} endpoint ${r.config.endpoint}`));
        map.set(r.config.endpoint, r);
      }
      if (!p) {
        const server = startPortServer({ port, host: o.host, routes: map, ...(m.tls ? { tls: m.tls } : {}), metrics: o.metrics, logger: o.logger, busMaxPayload: o.busMaxPayload, rejected: o.rejected, tracing: o.tracing }, signal);
        p = { routes: map, tls: Boolean(m.tls), ready: server.ready, done: server.done };
        ports.set(port, p);
      }
      // Name the fields that set this port, so a busy port says what to change.
      return p.ready.catch((e: Error) => {
        throw new Error(`${e.message}: change ${m.fields.join(", ")} (impulse dev: --webhook-port <port>)`);
      });
    },
    done: aborted.then(() => Promise.all([...ports.values()].map((p) => p.done))).then(() => undefined),
  };
}
