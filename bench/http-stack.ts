// Measures the ingest HTTP stack alone: node:http vs express, 1 KB JSON POSTs, same closed-loop load.
// Run: node --import tsx bench/http-stack.ts   (numbers recorded in docs/performance.md)
import { fork } from "node:child_process";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { Pool } from "undici";

const EVENTS = 30000;
const CONNECTIONS = 64;

if (process.argv[2] === "serve") {
  const kind = process.argv[3];
  const handler = (body: string) => JSON.stringify({ ok: true, size: JSON.parse(body).pad.length });
  let server;
  if (kind === "express") {
    const app = express();
    app.use(express.json({ limit: "1mb" }));
    app.post("/example", (req, res) => void res.json({ ok: true, size: (req.body as { pad: string }).pad.length }));
    server = app.listen(0, "127.0.0.1");
  } else {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const out = handler(Buffer.concat(chunks).toString());
        res.writeHead(200, { "content-type": "application/json" }).end(out);
      });
    }).listen(0, "127.0.0.1");
  }
  server.on("listening", () => process.send!((server.address() as AddressInfo).port));
} else {
  for (const kind of ["node:http", "express", "node:http", "express"]) {
    const child = fork(new URL(import.meta.url).pathname, ["serve", kind], { execArgv: ["--import", "tsx"] });
    const port = await new Promise<number>((r) => child.once("message", (p) => r(p as number)));
    const pool = new Pool(`http://127.0.0.1:${port}`, { connections: CONNECTIONS });
    const body = JSON.stringify({ message: "hello", pad: "x".repeat(1000) });
    let n = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONNECTIONS }, async () => {
        while (n++ < EVENTS) {
          const r = await pool.request({ path: "/example", method: "POST", headers: { "content-type": "application/json" }, body });
          await r.body.dump();
        }
      }),
    );
    console.log(`${kind.padEnd(9)} ${Math.round(EVENTS / ((performance.now() - t0) / 1000))} req/s`);
    await pool.close();
    child.kill();
  }
}
