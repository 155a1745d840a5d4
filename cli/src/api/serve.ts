// Starts the HTTP API on an address and port (0: a free one) and stops it: used by `impulse api` and `impulse dev`.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createApiApp, type ApiOptions } from "./app.js";

export interface ApiServer {
  port: number;
  url: string;
  close(): Promise<void>;
}

export async function startApiServer(o: ApiOptions & { host: string; port: number }): Promise<ApiServer> {
  const server: Server = createServer(createApiApp(o));
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(o.port, o.host, () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const host = o.host.includes(":") ? `[${o.host}]` : o.host;
  return {
    port,
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        // Open SSE streams would hold close() for ever.
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Loopback only: where an API without authentication may listen. */
export function isLoopback(host: string): boolean {
  return host === "127.0.0.1" || host === "::1" || host === "localhost";
}
