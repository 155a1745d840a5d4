// One HTTP(S) server per port (node:http: express measured ~5x slower on this path, see docs/performance.md).
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { createServer as createHttps } from "node:https";
import type { Logger } from "pino";
import type { Emit } from "../../define.js";
import type { EventSourceMetrics } from "../../metrics.js";
import { sendJson } from "./http-error.js";
import { handleRoute, type Route } from "./route.js";

export interface PortServerOptions {
  port: number;
  host: string;
  routes: Map<string, Route>;
  tls?: { cert: string; key: string };
  emit: Emit;
  metrics: EventSourceMetrics;
  logger: Logger;
  busConnected: () => boolean;
}

export function startPortServer(o: PortServerOptions, signal: AbortSignal): { ready: Promise<void>; done: Promise<void> } {
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    if (path === "/health") {
      // Healthy means able to accept events: the bus must be reachable.
      const ok = o.busConnected();
      return sendJson(res, ok ? 200 : 503, { status: ok ? "ok" : "event bus unavailable" });
    }
    const route = o.routes.get(path);
    if (!route) return sendJson(res, 404, { error: `no webhook endpoint ${path} on port ${o.port}` });
    void handleRoute(route, req, res, q < 0 ? "" : url.slice(q + 1), o.emit, o.metrics, o.logger);
  };
  const server: Server = o.tls ? createHttps({ cert: o.tls.cert, key: o.tls.key }, onRequest) : createHttp(onRequest);
  server.keepAliveTimeout = 65_000;

  const ready = new Promise<void>((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(new Error(e.code === "EADDRINUSE" ? `webhook port ${o.port} is already in use` : `webhook port ${o.port}: ${e.message}`)),
    );
    server.listen(o.port, o.host, () => {
      o.logger.info({ port: o.port, endpoints: [...o.routes.keys()] }, "webhook server listening");
      resolve();
    });
  });
  const done = new Promise<void>((resolve) => {
    const stop = () => {
      server.close(() => resolve());
      server.closeIdleConnections();
      // In-flight requests get a moment to finish their publish before connections are cut.
      setTimeout(() => server.closeAllConnections(), 2000).unref();
    };
    if (signal.aborted) stop();
    else signal.addEventListener("abort", stop, { once: true });
  });
  return { ready, done };
}
