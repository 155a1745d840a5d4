// The chaos run's HTTP target: records every call's event number and Idempotency-Key, and applies an effect
// once per key, as a target that honours Idempotency-Key does.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export interface IdempotentSink {
  url: string;
  /** Calls received per event number (raw: every request, duplicates included). */
  calls: Map<number, number>;
  /** Effects applied per event number: one per distinct Idempotency-Key (every call without a key is one). */
  effects: Map<number, number>;
  /** Requests that carried no Idempotency-Key. */
  withoutKey: number;
  close(): Promise<void>;
}

export async function startIdempotentSink(): Promise<IdempotentSink> {
  const keys = new Set<string>();
  const sink: Omit<IdempotentSink, "url" | "close"> = { calls: new Map(), effects: new Map(), withoutKey: 0 };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      let n: number;
      try {
        n = Number((JSON.parse(Buffer.concat(chunks).toString("utf8")) as { n?: unknown }).n);
      } catch {
        n = NaN;
      }
      if (!Number.isInteger(n)) {
        res.writeHead(400).end();
        return;
      }
      sink.calls.set(n, (sink.calls.get(n) ?? 0) + 1);
      const key = req.headers["idempotency-key"];
      if (typeof key !== "string") sink.withoutKey++;
      // A key seen before: the effect was applied already; answer as the first call did.
      if (typeof key !== "string" || !keys.has(key)) {
        if (typeof key === "string") keys.add(key);
        sink.effects.set(n, (sink.effects.get(n) ?? 0) + 1);
      }
      res.writeHead(200, { "content-type": "application/json" }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return Object.assign(sink, {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((r) => (server.closeAllConnections(), server.close(() => r()))),
  });
}
