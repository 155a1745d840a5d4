// One HTTP(S) server per port (node:http: express measured ~5x slower on this path, see docs/performance.md).
import { createServer as createHttp, STATUS_CODES, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { Duplex } from "node:stream";
import { createServer as createHttps } from "node:https";
import type { Tracing } from "@impulse/api";
import type { Logger } from "pino";
import type { EventSourceMetrics } from "../../metrics.js";
import { sendJson } from "./http-error.js";
import { handleRoute, type Route } from "./route.js";

export interface PortServerOptions {
  port: number;
  host: string;
  /** Endpoint → route; read per request, so routes mounted after the server started are served too. */
  routes: Map<string, Route>;
  tls?: { cert: string; key: string };
  metrics: EventSourceMetrics;
  rejected?: ((eventName: string, reason: string) => void) | undefined;
  logger: Logger;
  busMaxPayload: () => number;
  /** Set when tracing is on: each request gets an HTTP server span. */
  tracing?: Tracing | undefined;
}

/**
 * node:http hands CONNECT and Upgrade requests to 'connect'/'upgrade' listeners and drops the socket without one:
 * answer them like any other request a webhook does not serve, and close.
 */
function refuseRaw(socket: Duplex, status: number, message: string, headers: Record<string, string> = {}): void {
  const body = JSON.stringify({ error: message }) + "\n";
  const head = [`HTTP/1.1 ${status} ${STATUS_CODES[status]}`, "Content-Type: application/json", `Content-Length: ${Buffer.byteLength(body)}`, "Connection: close"];
  for (const [k, v] of Object.entries(headers)) head.push(`${k}: ${v}`);
  socket.on("error", () => socket.destroy());
  socket.end(head.join("\r\n") + "\r\n\r\n" + body);
}

export function startPortServer(o: PortServerOptions, signal: AbortSignal): { ready: Promise<void>; done: Promise<void> } {
  const onRequest = (req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? "/";
    const q = url.indexOf("?");
    const path = q < 0 ? url : url.slice(0, q);
    // Only the configured endpoints live on this (public) port; /health and /metrics are on the management port.
    const route = o.routes.get(path);
    if (!route) return sendJson(res, 404, { error: `no webhook endpoint ${path} on port ${o.port}` });
    void handleRoute(route, req, res, q < 0 ? "" : url.slice(q + 1), o.metrics, o.logger, o.busMaxPayload, o.rejected, o.tracing);
  };
  const server: Server = o.tls ? createHttps({ cert: o.tls.cert, key: o.tls.key }, onRequest) : createHttp(onRequest);
  server.keepAliveTimeout = 65_000;
  server.on("connect", (req: IncomingMessage, socket: Duplex) => {
    const route = o.routes.get((req.url ?? "").split("?")[0]!);
    refuseRaw(socket, 405, "method CONNECT not allowed", route ? { Allow: route.method } : {});
  });
  server.on("upgrade", (_req: IncomingMessage, socket: Duplex) => refuseRaw(socket, 400, "protocol upgrade (e.g. WebSocket) is not supported: send a plain HTTP request"));

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
