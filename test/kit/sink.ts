// An HTTP endpoint that records what triggers send it; answers with a programmable status.
import { createServer, type IncomingHttpHeaders } from "node:http";
import type { AddressInfo } from "node:net";

export interface Received {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  json: unknown;
  /** Arrival time, ms since epoch. */
  at: number;
}

export interface Sink {
  url: string;
  received: Received[];
  /** Status for the next requests (default 200). */
  respondWith(status: number): void;
  close(): Promise<void>;
}

export async function startSink(): Promise<Sink> {
  const received: Received[] = [];
  let status = 200;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      received.push({ method: req.method ?? "", path: req.url ?? "", headers: req.headers, body, json, at: Date.now() });
      // A body with "delayMs" is answered that much later: lets tests make one call slow.
      const delay = Number((json as { delayMs?: unknown } | undefined)?.delayMs ?? 0);
      setTimeout(() => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify({ ok: status < 300 }));
      }, Number.isFinite(delay) ? delay : 0);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    respondWith: (s) => void (status = s),
    close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
  };
}
