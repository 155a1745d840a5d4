// Fuzzes the signed webhook family (github, gitlab, bitbucketserver, the webhook's hmac) with fast-check on a real nats-server: malformed
// signed and unsigned requests get a 4xx, nothing is stored, the server keeps serving.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { after, before, it } from "node:test";
import { freePort, type NatsServer } from "@impulse/bus";
import fc from "fast-check";
import { request } from "undici";
import { startNats } from "../../kit/nats.js";
import { eventSource } from "../../kit/resources.js";
import { metricValue, startEventSource, type Started } from "../../kit/runtimes.js";

/** Reproduce with IMPULSE_FUZZ_SEED=<seed>; IMPULSE_FUZZ_RUNS sets the requests per type (default 5000). */
const SEED = Number(process.env["IMPULSE_FUZZ_SEED"] ?? Math.floor(Math.random() * 2 ** 31));
const RUNS = Number(process.env["IMPULSE_FUZZ_RUNS"] ?? 5000);
const SECRET = "fuzz-s3cret";

let nats: NatsServer;
let es: Started;
let port: number;

interface Req {
  headers: Record<string, string>;
  body: string | Buffer;
}

const hmacHex = (alg: string, data: string | Buffer) => createHmac(alg, SECRET).update(data).digest("hex");
const isJsonObject = (b: string | Buffer) => {
  try {
    const v = JSON.parse(b.toString()) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v);
  } catch {
    return false;
  }
};

/** Bodies of every kind: text, bytes, JSON that is not an object, deep nesting, forms. */
const anyBody: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)),
  fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 4 }), fc.string()).map((v) => JSON.stringify(v)),
  fc.integer({ min: 1, max: 5000 }).map((n) => "[".repeat(n) + "]".repeat(n)),
  fc.string({ maxLength: 50 }).map((s) => `payload=${encodeURIComponent(s)}`),
  fc.string({ maxLength: 50 }).map((s) => `x=${encodeURIComponent(s)}`),
  fc.json({ maxDepth: 3 }),
);
/** A signature header that is not the right one: absent, empty, garbage, another secret's, another body's, cut short. */
const badSignature = (alg: string, prefix: string, body: string | Buffer) =>
  fc.oneof(
    fc.constant(undefined),
    fc.constant(""),
    fc.string({ maxLength: 80 }).map((s) => s.replace(/[\r\n\0]/g, "")),
    fc.constant(`${prefix}${createHmac(alg, "other").update(body).digest("hex")}`),
    fc.constant(`${prefix}${hmacHex(alg, Buffer.concat([Buffer.from(body), Buffer.from(" ")]))}`),
    fc.constant(`${prefix}${hmacHex(alg, body).slice(0, 20)}`),
    fc.constant(hmacHex(alg, body)),
  );
const contentType = fc.constantFrom("application/json", "application/x-www-form-urlencoded", "text/plain", "application/octet-stream");

/** Per type: where it listens and what malformed requests look like. */
const TYPES: { name: string; path: string; requests: fc.Arbitrary<Req> }[] = [
  {
    name: "github",
    path: "/gh",
    requests: fc.oneof(
      // Unsigned or wrongly signed, any body.
      anyBody.chain((body) =>
        fc.record({ sig: badSignature("sha256", "sha256=", body), ct: contentType, ev: fc.constantFrom("push", "issues", "") }).map(({ sig, ct, ev }) => ({
          body,
          headers: { "content-type": ct, "x-github-event": ev, "x-github-delivery": "d", ...(sig !== undefined ? { "x-hub-signature-256": sig } : {}) },
        })),
      ),
      // Correctly signed but malformed: not a JSON object, a form without a JSON payload, or no X-GitHub-Event.
      anyBody.chain((body) =>
        fc.record({ ct: contentType, noEvent: fc.boolean() }).map(({ ct, noEvent }) => {
          const b = isJsonObject(body) ? `x${body.toString()}` : body;
          return { body: b, headers: { "content-type": ct, "x-hub-signature-256": `sha256=${hmacHex("sha256", b)}`, ...(noEvent ? {} : { "x-github-event": "push" }) } };
        }),
      ),
      fc.constant({ body: "{}", headers: { "content-type": "application/json", "x-hub-signature-256": `sha256=${hmacHex("sha256", "{}")}` } }),
    ),
  },
  {
    name: "gitlab",
    path: "/gl",
    requests: fc.oneof(
      // No, empty or wrong token, any body.
      anyBody.chain((body) =>
        fc.record({ token: fc.option(fc.string({ maxLength: 40 }).map((s) => s.replace(/[\r\n\0]/g, "")), { nil: undefined }), ct: contentType }).map(({ token, ct }) => ({
          body,
          headers: { "content-type": ct, "x-gitlab-event": "Push Hook", ...(token !== undefined && token !== SECRET ? { "x-gitlab-token": token } : {}) },
        })),
      ),
      // The right token but not JSON, or no X-Gitlab-Event.
      anyBody.chain((body) =>
        fc.boolean().map((noKind): Req => {
          let b = body;
          try {
            JSON.parse(body.toString());
            b = `x${body.toString()}`;
          } catch {
            /* already not JSON */
          }
          return noKind ? { body: "{}", headers: { "content-type": "application/json", "x-gitlab-token": SECRET } } : { body: b, headers: { "content-type": "application/json", "x-gitlab-event": "Push Hook", "x-gitlab-token": SECRET } };
        }),
      ),
    ),
  },
  {
    name: "bitbucketserver",
    path: "/bbs",
    requests: fc.oneof(
      anyBody.chain((body) =>
        fc.record({ sig: badSignature("sha256", "sha256=", body), ct: contentType }).map(({ sig, ct }) => ({
          body,
          headers: { "content-type": ct, "x-event-key": "repo:refs_changed", "x-request-id": "r", ...(sig !== undefined ? { "x-hub-signature": sig } : {}) },
        })),
      ),
      // Correctly signed, but not JSON or without X-Event-Key.
      anyBody.chain((body) =>
        fc.boolean().map((noKey): Req => {
          let b = body;
          try {
            JSON.parse(body.toString());
            b = `x${body.toString()}`;
          } catch {
            /* already not JSON */
          }
          if (noKey) b = "{}";
          return { body: b, headers: { "content-type": "application/json", "x-hub-signature": `sha256=${hmacHex("sha256", b)}`, ...(noKey ? {} : { "x-event-key": "repo:refs_changed" }) } };
        }),
      ),
    ),
  },
  {
    name: "webhook-hmac",
    path: "/hm",
    requests: fc.oneof(
      anyBody.chain((body) =>
        fc.record({ sig: badSignature("sha512", "", `1.${body.toString()}`), ct: contentType }).map(({ sig, ct }) => ({
          body,
          headers: { "content-type": ct, "x-ts": String(Math.floor(Date.now() / 1000)), ...(sig !== undefined ? { "x-sig": sig } : {}) },
        })),
      ),
      // A right signature over a stale, missing or garbage timestamp.
      anyBody.chain((body) =>
        fc.constantFrom("0", "", "soon", "99999999999999", String(Math.floor(Date.now() / 1000) - 3600)).map((ts) => ({
          body,
          headers: { "content-type": "application/json", "x-sig": hmacHex("sha512", `${ts}.${body.toString()}`), ...(ts ? { "x-ts": ts } : {}) },
        })),
      ),
    ),
  },
];

before(async () => {
  nats = await startNats();
  port = await freePort();
  const p = String(port);
  es = await startEventSource(
    nats.url,
    "git-fuzz",
    eventSource("fuzz", {
      github: { gh: { webhook: { port: p, endpoint: "/gh" }, events: ["push"], repositories: [{ owner: "o", names: ["r"] }], webhookSecret: { name: "s", key: "k" } } },
      bitbucketserver: { bbs: { webhook: { port: p, endpoint: "/bbs" }, events: ["repo:refs_changed"], webhookSecret: { name: "s", key: "k" }, bitbucketserverBaseURL: "https://bitbucket.example.com/rest" } },
      gitlab: { gl: { webhook: { port: p, endpoint: "/gl" }, events: ["PushEvents"], secretToken: { name: "s", key: "k" } } },
      webhook: {
        hm: {
          port: p,
          endpoint: "/hm",
          hmac: { secret: { name: "s", key: "k" }, header: "X-Sig", algorithm: "sha512", timestampHeader: "X-Ts", signedPayload: "{timestamp}.{body}", toleranceSeconds: 60 },
        },
      },
    }),
    { secrets: async () => SECRET },
  );
});
after(async () => {
  await es?.stop();
  await nats?.stop();
});

for (const t of TYPES)
  it(`${t.name}: ${RUNS} malformed signed and unsigned requests all get a 4xx and store nothing (seed ${SEED})`, async () => {
    const statuses = new Map<number, number>();
    await fc.assert(
      fc.asyncProperty(t.requests, async (r) => {
        const res = await request(`http://127.0.0.1:${port}${t.path}`, { method: "POST", headers: r.headers, body: r.body });
        const text = await res.body.text();
        statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
        assert.ok(res.statusCode >= 400 && res.statusCode < 500, `${JSON.stringify(r.headers)} ${JSON.stringify(r.body.toString().slice(0, 100))} → ${res.statusCode} ${text}`);
      }),
      { numRuns: RUNS, seed: SEED },
    );
    const event = t.path.slice(1);
    assert.equal(await metricValue(es.registry, "impulse_eventsource_events_published_total", { event }), 0, "nothing stored");
    assert.ok(statuses.size > 1, `a mix of refusals: ${JSON.stringify([...statuses])}`);
  });

it("still serves correctly signed deliveries after the fuzzing", async () => {
  const body = '{"after":"fuzz"}';
  const gh = await request(`http://127.0.0.1:${port}/gh`, { method: "POST", headers: { "content-type": "application/json", "x-github-event": "push", "x-hub-signature-256": `sha256=${hmacHex("sha256", body)}` }, body });
  assert.equal(gh.statusCode, 200, await gh.body.text());
  const ts = String(Math.floor(Date.now() / 1000));
  const hm = await request(`http://127.0.0.1:${port}/hm`, { method: "POST", headers: { "content-type": "application/json", "x-ts": ts, "x-sig": hmacHex("sha512", `${ts}.${body}`) }, body });
  assert.equal(hm.statusCode, 200, await hm.body.text());
});
