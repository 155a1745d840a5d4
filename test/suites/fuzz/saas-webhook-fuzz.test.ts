// Fuzzes the slack, stripe and gerrit endpoints with fast-check on a real nats-server: malformed signed and unsigned
// requests get a 4xx, nothing is stored, the server keeps serving.
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

const now = () => Math.floor(Date.now() / 1000);
const hmacHex = (data: string | Buffer, secret = SECRET) => createHmac("sha256", secret).update(data).digest("hex");
const slackSig = (ts: string, body: string | Buffer, secret = SECRET) => `v0=${hmacHex(Buffer.concat([Buffer.from(`v0:${ts}:`), Buffer.from(body)]), secret)}`;
const stripeSig = (t: string, body: string | Buffer, secret = SECRET) => `t=${t},v1=${hmacHex(Buffer.concat([Buffer.from(`${t}.`), Buffer.from(body)]), secret)}`;

/** Bodies of every kind: text, bytes, JSON that is not an object, deep nesting, forms. */
const anyBody: fc.Arbitrary<string | Buffer> = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.uint8Array({ maxLength: 400 }).map((a) => Buffer.from(a)),
  fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.jsonValue(), { maxLength: 4 }), fc.string()).map((v) => JSON.stringify(v)),
  fc.integer({ min: 1, max: 5000 }).map((n) => "[".repeat(n) + "]".repeat(n)),
  fc.string({ maxLength: 50 }).map((s) => `payload=${encodeURIComponent(s)}`),
  fc.string({ maxLength: 50 }).map((s) => `command=&x=${encodeURIComponent(s)}`),
  fc.json({ maxDepth: 3 }),
);
const contentType = fc.constantFrom("application/json", "application/x-www-form-urlencoded", "text/plain", "application/octet-stream");
const garbage = fc.string({ maxLength: 80 }).map((s) => s.replace(/[\r\n\0]/g, ""));
/** A timestamp that is not acceptable: stale, far future, not a number, empty. */
const badTs = fc.constantFrom(String(now() - 3600), String(now() + 3600), "0", "soon", "", "99999999999999");

/** Valid JSON objects that are still not what the sender sends (a malformed but correctly signed request). */
const notSlack = fc.oneof(
  anyBody.filter((b) => {
    try {
      const v = JSON.parse(b.toString()) as unknown;
      return !(typeof v === "object" && v !== null && !Array.isArray(v) && typeof (v as { type?: unknown }).type === "string");
    } catch {
      return true;
    }
  }),
  fc.constantFrom('{"type":"event_callback"}', '{"type":"event_callback","event":[]}', '{"type":"url_verification"}', '{"type":"url_verification","challenge":7}'),
);
const notStripe = fc.oneof(
  anyBody.filter((b) => {
    try {
      const v = JSON.parse(b.toString()) as { id?: unknown; type?: unknown } | null;
      return !(typeof v === "object" && v !== null && !Array.isArray(v) && typeof v.id === "string" && v.id !== "" && typeof v.type === "string");
    } catch {
      return true;
    }
  }),
  fc.constantFrom('{"id":"","type":"x"}', '{"id":7,"type":"x"}', '{"id":"evt_1"}'),
);

const TYPES: { name: string; path: string; requests: fc.Arbitrary<Req> }[] = [
  {
    name: "slack",
    path: "/slack",
    requests: fc.oneof(
      // Unsigned, wrongly signed, or signed with a bad timestamp; any body.
      anyBody.chain((body) =>
        fc
          .record({
            ct: contentType,
            ts: fc.oneof(fc.constant(String(now())), badTs),
            sig: fc.option(fc.oneof(garbage, fc.constant("v0="), fc.constant("sig")), { nil: undefined }),
            wrongSecret: fc.boolean(),
          })
          .map(({ ct, ts, sig, wrongSecret }) => {
            const good = ts === String(now()) && !wrongSecret && sig === undefined;
            const signature = sig === "sig" || good ? slackSig(ts, body, wrongSecret || good ? "other" : SECRET) : sig;
            return { body, headers: { "content-type": ct, ...(ts ? { "x-slack-request-timestamp": ts } : {}), ...(signature !== undefined ? { "x-slack-signature": signature } : {}) } };
          }),
      ),
      // Correctly signed now, but not a Slack request.
      notSlack.chain((body) =>
        contentType.map((ct) => {
          const ts = String(now());
          return { body, headers: { "content-type": ct, "x-slack-request-timestamp": ts, "x-slack-signature": slackSig(ts, body) } };
        }),
      ),
    ),
  },
  {
    name: "stripe",
    path: "/stripe",
    requests: fc.oneof(
      anyBody.chain((body) =>
        fc
          .record({ ct: contentType, t: fc.oneof(fc.constant(String(now())), badTs), how: fc.constantFrom("none", "garbage", "wrong-secret", "other-body", "no-t", "v0-only") })
          .chain(({ ct, t, how }) =>
            garbage.map((g) => {
              const sig =
                how === "none" ? undefined
                : how === "garbage" ? g
                : how === "wrong-secret" ? stripeSig(t, body, "other")
                : how === "other-body" ? stripeSig(t, Buffer.concat([Buffer.from(body), Buffer.from(" ")]))
                : how === "no-t" ? `v1=${hmacHex(body)}`
                : `t=${t},v0=${hmacHex(body)}`;
              return { body, headers: { "content-type": ct, ...(sig !== undefined ? { "stripe-signature": sig } : {}) } };
            }),
          ),
      ),
      // A right signature over a stale or future timestamp.
      anyBody.chain((body) => fc.constantFrom(String(now() - 3600), String(now() + 3600)).map((t) => ({ body, headers: { "content-type": "application/json", "stripe-signature": stripeSig(t, body) } }))),
      // Correctly signed now, but not a Stripe event.
      notStripe.map((body) => ({ body, headers: { "content-type": "application/json", "stripe-signature": stripeSig(String(now()), body) } })),
    ),
  },
  {
    name: "gerrit",
    path: "/gerrit",
    requests: fc.oneof(
      // Without the right bearer token (Gerrit does not sign; authSecret guards this endpoint).
      anyBody.chain((body) =>
        fc.record({ ct: contentType, auth: fc.option(fc.oneof(garbage, fc.constant("Bearer wrong"), fc.constant("Basic Zm9v")), { nil: undefined }) }).map(({ ct, auth }) => ({
          body,
          headers: { "content-type": ct, ...(auth !== undefined ? { authorization: auth } : {}) },
        })),
      ),
      // Authorized, but not JSON.
      fc.oneof(fc.string({ maxLength: 200 }), fc.uint8Array({ maxLength: 300 }).map((a) => Buffer.from(a)), fc.integer({ min: 513, max: 3000 }).map((n) => "[".repeat(n) + "]".repeat(n)))
        .filter((b) => {
          try {
            JSON.parse(b.toString());
            return false;
          } catch {
            return true;
          }
        })
        .map((body) => ({ body, headers: { "content-type": "application/json", authorization: `Bearer ${SECRET}` } })),
    ),
  },
];

before(async () => {
  nats = await startNats();
  port = await freePort();
  const p = String(port);
  const s = { name: "s", key: "k" };
  es = await startEventSource(
    nats.url,
    "saas-fuzz",
    eventSource("fuzz", {
      slack: { slack: { webhook: { port: p, endpoint: "/slack" }, signingSecret: s, token: s } },
      stripe: { stripe: { webhook: { port: p, endpoint: "/stripe" }, signingSecret: s } },
      gerrit: {
        gerrit: {
          webhook: { port: p, endpoint: "/gerrit", authSecret: s },
          hookName: "h",
          events: [],
          projects: ["p"],
          auth: { username: s, password: s },
          gerritBaseURL: "http://127.0.0.1:9/",
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
    assert.equal(await metricValue(es.registry, "impulse_eventsource_events_published_total", { event: t.name }), 0, "nothing stored");
    assert.ok(statuses.size > 1, `a mix of refusals: ${JSON.stringify([...statuses])}`);
  });

it("still serves correctly signed deliveries after the fuzzing", async () => {
  const ts = String(now());
  const slack = JSON.stringify({ token: SECRET, type: "event_callback", event_id: "EvFuzz", event: { type: "message" } });
  const r1 = await request(`http://127.0.0.1:${port}/slack`, { method: "POST", headers: { "content-type": "application/json", "x-slack-request-timestamp": ts, "x-slack-signature": slackSig(ts, slack) }, body: slack });
  assert.equal(r1.statusCode, 200, await r1.body.text());
  const stripe = JSON.stringify({ id: "evt_fuzz", type: "charge.succeeded" });
  const r2 = await request(`http://127.0.0.1:${port}/stripe`, { method: "POST", headers: { "content-type": "application/json", "stripe-signature": stripeSig(ts, stripe) }, body: stripe });
  assert.equal(r2.statusCode, 200, await r2.body.text());
  const r3 = await request(`http://127.0.0.1:${port}/gerrit`, { method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${SECRET}` }, body: '{"type":"ref-updated"}' });
  assert.equal(r3.statusCode, 200, await r3.body.text());
});
