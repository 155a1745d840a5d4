// The management HTTP server of a runtime: /health, /metrics (express: not on the hot path).
import express from "express";
import { createServer, type Server } from "node:http";
import type { Registry } from "prom-client";

export interface HealthReport {
  healthy: boolean;
  [detail: string]: unknown;
}

/**
 * `ready` answers /readyz when readiness differs from health (the controller: a standby is healthy and ready, a leader
 * only once synced). `host` is 0.0.0.0 in a pod (probes and scrapers come from outside) and 127.0.0.1 on a laptop.
 */
export function startManagementServer(
  port: number,
  registry: Registry,
  health: () => HealthReport,
  ready: () => HealthReport = health,
  host = "0.0.0.0",
): Promise<Server> {
  const app = express();
  app.get(["/health", "/healthz"], (_req, res) => {
    const h = health();
    res.status(h.healthy ? 200 : 503).json(h);
  });
  app.get("/readyz", (_req, res) => {
    const r = ready();
    res.status(r.healthy ? 200 : 503).json(r);
  });
  app.get("/metrics", async (_req, res) => {
    res.type(registry.contentType).send(await registry.metrics());
  });
  // node:http directly: express 5's app.listen() calls its callback on errors too, which hid a busy port.
  const server = createServer(app);
  return new Promise((resolve, reject) => {
    server.once("error", (e: NodeJS.ErrnoException) =>
      reject(
        new Error(
          e.code === "EADDRINUSE"
            ? `metrics port ${port} is already in use: pass --metrics-port <port> (or set IMPULSE_METRICS_PORT; 0 picks a free port)`
            : `metrics port ${port} on ${host}: ${e.message}`,
        ),
      ),
    );
    server.listen(port, host, () => resolve(server));
  });
}
