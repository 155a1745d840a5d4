// Fuzzes the webhook with random and malformed requests against a real nats-server: never a 5xx while the bus is up, no crash, bounded memory.
import assert from "node:assert/strict";
import { connect as tcpConnect } from "node:net";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { after, before, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import { request } from "undici";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { startEventSource, type Started } from "../../kit/runtimes.js";

/** Reproduce a failure with IMPULSE_FUZZ_SEED=<the seed in the message>; IMPULSE_FUZZ_REQUESTS for a longer run. */
const SEED = Number(process.env["IMPULSE_FUZZ_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
const REQUESTS = Number(process.env["IMPULSE_FUZZ_REQUESTS"] ?? 600);
const MiB = 1024 * 1024;

let nats: NatsServer;
let es: Started;
let port: number;

before(async () => {
  nats = await startNats();
  port = await freePort();
  const p = String(port);
  es = await startEventSource(
    nats.url,
    "webhook-fuzz",
    eventSource("fuzz", {
      webhook: {
        a: { port: p, endpoint: "/a", method: "POST", metadata: { k: "v" } },
        g: { port: p, endpoint: "/g", method: "GET" },
        s: { port: p, endpoint: "/s", method: "PUT", authSecret: { name: "hook", key: "token" } },
        small: { port: p, endpoint: "/small", method: "POST", maxPayloadSize: 256 },
        f: { port: p, endpoint: "/f", method: "POST", filter: { expression: "body.x == 1 and body.name matches '^a'" } },
      },
    }),
    { secrets: async () => "t0ken" },
  );
});
after(async () => {
  await es?.stop();
  await nats?.stop();
});

/** mulberry32: a small seeded generator, so a failing run can be replayed. */
function prng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]!;
  return { next, int, pick };
}
type Rng = ReturnType<typeof prng>;

const printable = (r: Rng, n: number) => Array.from({ length: n }, () => String.fromCharCode(32 + r.int(95))).join("");
const anyText = (r: Rng, n: number) => Array.from({ length: n }, () => String.fromCharCode(r.pick([r.int(32), 32 + r.int(95), 0x80 + r.int(0x780), 0xd800 + r.int(0x800)]))).join("");

function jsonValue(r: Rng, depth: number): unknown {
  const k = r.int(depth > 4 ? 4 : 7);
  if (k === 0) return r.int(1000) - 500;
  if (k === 1) return anyText(r, r.int(20));
  if (k === 2) return r.pick([true, false, null, 1e308, -0, 0.5]);
  if (k === 3) return { x: r.int(3), name: r.pick(["ann", "bob", "", "a\u0000"]) };
  if (k === 4) return Array.from({ length: r.int(5) }, () => jsonValue(r, depth + 1));
  return Object.fromEntries(Array.from({ length: r.int(5) }, () => [anyText(r, r.int(8)), jsonValue(r, depth + 1)]));
}

function deepJson(r: Rng): string {
  const n = r.pick([100, 511, 512, 513, 4109, 20_000]);
  return r.next() < 0.5 ? "[".repeat(n) + "]".repeat(n) : '{"a":'.repeat(n) + "1" + "}".repeat(n);
}

function cloudEvent(r: Rng): Record<string, unknown> {
  const ce: Record<string, unknown> = { specversion: "1.0", id: printable(r, 1 + r.int(10)), source: "s", type: "t", data: jsonValue(r, 0) };
  for (let i = r.int(4); i > 0; i--) {
    const attr = r.pick(["specversion", "id", "source", "type", "time", "data_base64", "datacontenttype", "subject", "Bad_Ext", "ext", "data"]);
    ce[attr] = r.pick([undefined, null, "", "0.3", "2.0", "yesterday", "2026-01-01T00:00:00Z", "!!!", "eyJhIjoxfQ==", "a\r\nb", 7, { o: 1 }, [1], anyText(r, 10)]);
  }
  return ce;
}

interface Fuzzed {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

function fuzzRequest(r: Rng): Fuzzed {
  const method = r.pick(["POST", "POST", "POST", "GET", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "PROPFIND"]);
  const path = r.pick(["/a", "/a", "/g", "/s", "/small", "/f", "/", "/nope", "/health", "/a?x=1&x=2", "/g?q=%ZZ&b", "/a/../a", "//a", "/%00", `/${printable(r, 30).replace(/[\s?#%]/g, "")}`]);
  const headers: Record<string, string> = {};
  if (r.next() < 0.8) headers["content-type"] = r.pick(["application/json", "application/json; charset=utf-8", "application/cloudevents+json", "application/cloudevents-batch+json", "application/x-www-form-urlencoded", "text/plain", "application/octet-stream", printable(r, 12)]);
  if (r.next() < 0.3) Object.assign(headers, { "ce-specversion": r.pick(["1.0", "0.3", "9.9", ""]), "ce-id": printable(r, r.int(12)), "ce-source": r.pick(["s", ""]), "ce-type": "t" });
  if (r.next() < 0.1) headers["ce-time"] = r.pick(["yesterday", "2026-01-01T00:00:00Z", printable(r, 8)]);
  if (r.next() < 0.3) headers["authorization"] = r.pick(["Bearer t0ken", "bearer t0ken", "Bearer nope", "Basic dDBrZW4=", "Bearer", printable(r, 20)]);
  if (r.next() < 0.1) headers[`x-${printable(r, 6).replace(/[^a-z]/gi, "") || "h"}`] = printable(r, r.int(200));
  const kind = r.int(12);
  let body: string | Buffer | undefined;
  if (kind === 0) body = undefined;
  else if (kind === 1) body = Buffer.from(Array.from({ length: r.int(2000) }, () => r.int(256)));
  else if (kind <= 4) body = JSON.stringify(jsonValue(r, 0)) ?? "null";
  else if (kind === 5) body = deepJson(r);
  else if (kind === 6) body = JSON.stringify(jsonValue(r, 0)).slice(0, r.int(10)) || "{";
  else if (kind <= 8) body = JSON.stringify(cloudEvent(r));
  else if (kind === 9) body = `a=${encodeURIComponent(printable(r, 10))}&a=2&${printable(r, 10)}`;
  else if (kind === 10) body = anyText(r, r.int(300));
  // Sizes at the limits: maxPayloadSize 256 and the bus's 1 MiB max_payload. Rare, to keep the run short.
  else body = r.next() < 0.9 ? JSON.stringify({ pad: "x".repeat(r.pick([240, 250, 256, 300])) }) : JSON.stringify({ pad: "x".repeat(r.pick([MiB - 300, MiB + 10])) });
  if ((method === "GET" || method === "HEAD") && r.next() < 0.7) body = undefined;
  return { method, path, headers, body };
}

/** Requests an HTTP client refuses to send: broken request lines and headers, CONNECT, upgrades, huge headers. */
const RAW = [
  "CONNECT /a HTTP/1.1\r\nHost: x\r\n\r\n",
  "CONNECT 127.0.0.1:1 HTTP/1.1\r\nHost: x\r\n\r\n",
  "GET /a HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n\r\n",
  "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n{}",
  "POST /a HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}",
  "POST /a HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n",
  "POST /a HTTP/1.1\r\nHost: x\r\nbroken header line\r\n\r\n",
  `GET /a HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
  "POST /a HTTP/1.0\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
  "GARBAGE\r\n\r\n",
  ((ce: string) => `POST /a HTTP/1.1\r\nHost: x\r\nContent-Type: application/cloudevents+json\r\nContent-Length: ${ce.length}\r\n\r\n${ce}`)(
    JSON.stringify({ specversion: "1.0", id: "a\r\nb", source: "s", type: "t" }),
  ),
];

function rawStatus(text: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    // Written without ending our side: a half-closed socket is not a client waiting for its answer.
    const socket = tcpConnect(port, "127.0.0.1", () => socket.write(text));
    let answer = "";
    const status = () => Number(/^HTTP\/1\.[01] (\d{3}) /.exec(answer)?.[1]) || undefined;
    socket.on("data", (c) => {
      answer += c.toString("latin1");
      if (status() !== undefined) socket.destroy();
    });
    socket.on("close", () => resolve(status()));
    // A server that never answers fails the test below ("no answer") instead of hanging it.
    socket.setTimeout(10_000, () => socket.destroy());
    socket.on("error", () => undefined);
  });
}

function heapAfterGc(): number {
  setFlagsFromString("--expose-gc");
  (runInNewContext("gc") as () => void)();
  return process.memoryUsage().heapUsed;
}

it(`answers random and malformed requests with 2xx or 4xx, never 5xx, within bounded memory (seed ${SEED})`, async () => {
  const r = prng(SEED);
  const seen = new Map<number, number>();
  const heapBefore = heapAfterGc();
  for (let done = 0; done < REQUESTS; done += 8) {
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        const f = fuzzRequest(r);
        let res;
        try {
          res = await request(`http://127.0.0.1:${port}${f.path}`, { method: f.method as "POST", headers: f.headers, ...(f.body !== undefined ? { body: f.body } : {}) });
        } catch (e) {
          // The client refusing to send it (e.g. a body on HEAD) is not the server's doing; a dropped socket is.
          if ((e as { code?: string }).code === "UND_ERR_INVALID_ARG") return;
          throw new Error(`seed ${SEED}: ${f.method} ${f.path} ${JSON.stringify(f.headers)}: ${(e as Error).message}`, { cause: e });
        }
        const text = await res.body.text();
        seen.set(res.statusCode, (seen.get(res.statusCode) ?? 0) + 1);
        assert.ok(res.statusCode < 500, `seed ${SEED}: ${f.method} ${f.path} ${JSON.stringify(f.headers)} → ${res.statusCode} ${text}`);
      }),
    );
  }
  for (const text of RAW) {
    const status = await rawStatus(text);
    assert.ok(status !== undefined && status < 500, `${JSON.stringify(text.slice(0, 80))} → ${status ?? "no answer"}`);
  }
  // Still serving, and what it accepted after all that is stored.
  const ok = await request(`http://127.0.0.1:${port}/a`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"after":"fuzz"}' });
  assert.equal(ok.statusCode, 200, await ok.body.text());
  assert.ok((seen.get(200) ?? 0) > 0 && [...seen.keys()].some((s) => s >= 400), `a mix of accepted and refused requests: ${JSON.stringify([...seen])}`);
  // Bounded memory: nothing per request is kept (bodies, header-name caches, sockets). Generous: the heap is shared with the test.
  const grown = heapAfterGc() - heapBefore;
  assert.ok(grown < 32 * MiB, `heap grew by ${(grown / MiB).toFixed(1)} MiB over ${REQUESTS} requests`);
});
