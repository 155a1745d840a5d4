// The management HTTP server of a runtime: /health, /metrics (express: not on the hot path).
import express from "express";
import type { Server } from "node:http";
import type { Registry } from "prom-client";

export interface HealthReport {
  healthy: boolean;
  [detail: string]: unknown;
}

/** `ready` answers /readyz when readiness differs from health (the controller: a standby is healthy and ready, a leader only once synced). */
export function startManagementServer(port: number, registry: Registry, health: () => HealthReport, ready: () => HealthReport = health): Promise<Server> {
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
  return new Promise((resolve, reject) => {
    const server = app.listen(port, "0.0.0.0", () => resolve(server));
    server.once("error", (e: NodeJS.ErrnoException) => reject(new Error(e.code === "EADDRINUSE" ? `metrics port ${port} is already in use` : e.message)));
  });
}
