// Fuzzes the sns endpoint with fast-check on a real nats-server: malformed, unsigned, forged and tampered SNS messages
// get a 4xx, nothing is stored, and a correctly signed notification is still stored afterwards. The `endpoint` is a
// local server serving one signing certificate (and 404 for anything else), so no certificate fetch leaves 127.0.0.1.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { randomUUID, sign } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import fc from "fast-check";
import { request } from "undici";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { metricValue, startEventSource, type Started } from "../../kit/runtimes.js";

/** Reproduce with IMPULSE_FUZZ_SEED=<seed>; IMPULSE_FUZZ_RUNS sets the number of requests (default 5000). */
const SEED = Number(process.env["IMPULSE_FUZZ_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env["IMPULSE_FUZZ_RUNS"] ?? 5000);
const TOPIC = "arn:aws:sns:us-east-1:123456789012:fuzz";

let nats: NatsServer;
let es: Started;
let certServer: Server;
let endpoint = "";
let port: number;
let key: string;

const SIGNED = ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"];
const signMessage = (m: Record<string, unknown>, version: "1" | "2" = "2") =>
  sign(version === "1" ? "sha1" : "sha256", Buffer.from(SIGNED.filter((k) => typeof m[k] === "string").map((k) => `${k}\n${m[k] as string}\n`).join("")), key).toString("base64");

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-sns-fuzz-"));
  const r = spawnSync("openssl", ["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=sns.amazonaws.com", "-keyout", "k.pem", "-out", "c.pem"], { cwd: dir });
  assert.equal(r.status, 0);
  key = readFileSync(join(dir, "k.pem"), "utf8");
  const cert = readFileSync(join(dir, "c.pem"), "utf8");
  rmSync(dir, { recursive: true, force: true });
  certServer = createServer((req, res) => (req.url === "/cert.pem" ? res.writeHead(200).end(cert) : res.writeHead(404).end("no")));
  await new Promise<void>((resolve) => certServer.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(certServer.address() as { port: number }).port}`;
  nats = await startNats();
  port = await freePort();
  es = await startEventSource(
    nats.url,
    "fuzz-sns",
    eventSource("fuzz", { sns: { sns: { topicArn: TOPIC, region: "us-east-1", endpoint, webhook: { port: String(port), endpoint: "/sns", url: `http://127.0.0.1:${port}` } } } }),
  );
});
after(async () => {
  await es?.stop();
  await nats?.stop();
  await new Promise((r) => certServer?.close(r));
});

const anyBody: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)),
  fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 4 }), fc.string()).map((v) => JSON.stringify(v)),
  fc.integer({ min: 1, max: 5000 }).map((n) => "[".repeat(n) + "]".repeat(n)),
  fc.json({ maxDepth: 3 }),
);
const str = fc.oneof(fc.string({ maxLength: 40 }), fc.constant(""), fc.integer(), fc.constant(null));
const certUrl = () =>
  fc.oneof(
    fc.constant(`${endpoint}/cert.pem`),
    fc.string({ maxLength: 20 }).map((p) => `${endpoint}/${encodeURIComponent(p)}.pem`),
    fc.constant("https://sns.us-east-1.amazonaws.com/SimpleNotificationService-x.pem"),
    fc.constantFrom("http://169.254.169.254/latest/meta-data/", "https://evil.example/cert.pem", "file:///etc/passwd", "not a url", ""),
  );
/** SNS-shaped messages whose signature is missing, garbage, for other content, or of an unknown version (built once the endpoint is known). */
const forged = () =>
  fc
    .record({
      Type: fc.oneof(fc.constantFrom("Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"), str),
      MessageId: fc.oneof(fc.uuid(), str),
      TopicArn: fc.oneof(fc.constant(TOPIC), str),
      Message: str,
      Timestamp: fc.oneof(fc.date({ noInvalidDate: true }).map((d) => d.toISOString()), str),
      Token: fc.option(str, { nil: undefined }),
      SubscribeURL: fc.option(fc.oneof(fc.constant(`${endpoint}/?Action=ConfirmSubscription`), str), { nil: undefined }),
      SignatureVersion: fc.option(fc.oneof(fc.constantFrom("1", "2", "3"), str), { nil: undefined }),
      Signature: fc.option(fc.oneof(fc.base64String({ maxLength: 400 }), str), { nil: undefined }),
      SigningCertURL: fc.option(certUrl(), { nil: undefined }),
    })
    .map((m) => Object.fromEntries(Object.entries(m).filter(([, v]) => v !== undefined)));
/** Correctly signed notifications with one signed field changed afterwards. */
const tampered = fc.record({ field: fc.constantFrom("Message", "MessageId", "Timestamp", "TopicArn", "Subject"), value: fc.string({ maxLength: 30 }), version: fc.constantFrom("1" as const, "2" as const) }).map(({ field, value, version }) => {
  const m: Record<string, string> = { Type: "Notification", MessageId: randomUUID(), TopicArn: TOPIC, Message: "hello", Timestamp: new Date().toISOString(), SignatureVersion: version, SigningCertURL: `${endpoint}/cert.pem` };
  m["Signature"] = signMessage(m, version);
  m[field] = (m[field] ?? "") + value + "!";
  return m;
});
const requests = () =>
  fc.oneof(
    anyBody.map((body) => ({ body, ct: "text/plain; charset=UTF-8" })),
    forged().map((m) => ({ body: JSON.stringify(m), ct: "text/plain; charset=UTF-8" })),
    tampered.map((m) => ({ body: JSON.stringify(m), ct: "application/json" })),
  );

it(`sns: ${RUNS} malformed, unsigned, forged and tampered messages all get a 4xx and store nothing (seed ${SEED})`, async () => {
  const statuses = new Map<number, number>();
  await fc.assert(
    fc.asyncProperty(requests(), async (r) => {
      const res = await request(`http://127.0.0.1:${port}/sns`, { method: "POST", headers: { "content-type": r.ct }, body: r.body });
      const text = await res.body.text();
      statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
      assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${JSON.stringify(r.body.toString().slice(0, 300))} → ${res.statusCode} ${text}`);
    }),
    { numRuns: RUNS, seed: SEED },
  );
  assert.equal(await metricValue(es.registry, "impulse_eventsource_events_published_total", { event: "sns" }), 0, "nothing stored");
  assert.ok(statuses.size > 1, `a mix of refusals: ${JSON.stringify([...statuses])}`);
});

it("still stores a correctly signed notification after the fuzzing", async () => {
  const m: Record<string, string> = { Type: "Notification", MessageId: randomUUID(), TopicArn: TOPIC, Subject: "s", Message: "ok", Timestamp: new Date().toISOString(), SignatureVersion: "1", SigningCertURL: `${endpoint}/cert.pem` };
  m["Signature"] = signMessage(m, "1");
  const res = await request(`http://127.0.0.1:${port}/sns`, { method: "POST", headers: { "content-type": "text/plain" }, body: JSON.stringify(m) });
  const text = await res.body.text();
  assert.equal(res.statusCode, 200, text);
  assert.equal((JSON.parse(text) as { eventId: string }).eventId, m["MessageId"]);
});
