// HMAC checks against GitHub's published X-Hub-Signature-256 test vector and the generic `hmac` verifier's edge cases.
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { it } from "node:test";
import { WebhookHmac } from "@impulse/api";
import { decodeSignature, hmacDigest, hmacVerifier, safeEqual } from "./hmac.js";
import type { Delivery } from "./hooks.js";
import { HttpError } from "./http-error.js";

const delivery = (headers: Record<string, string>, body = "Hello, World!"): Delivery => ({ method: "POST", headers, raw: Buffer.from(body), query: "" });
const status = (f: () => void) => {
  try {
    f();
    return 200;
  } catch (e) {
    assert.ok(e instanceof HttpError);
    return e.status;
  }
};

it("GitHub's published test vector (docs: validating webhook deliveries) verifies", () => {
  const secret = "It's a Secret to Everybody";
  const expected = "757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  assert.equal(hmacDigest("sha256", secret, [Buffer.from("Hello, World!")]).toString("hex"), expected);
  const verify = hmacVerifier(WebhookHmac.parse({ secret: { name: "s", key: "k" }, header: "X-Hub-Signature-256", prefix: "sha256=" }), secret);
  assert.equal(status(() => verify(delivery({ "x-hub-signature-256": `sha256=${expected}` }))), 200);
  assert.equal(status(() => verify(delivery({ "x-hub-signature-256": `SHA256=${expected.toUpperCase()}` }))), 200, "prefix and hex digits are case-insensitive");
  assert.equal(status(() => verify(delivery({ "x-hub-signature-256": `sha256=${expected}` }, "Hello, World?"))), 403, "another body");
  assert.equal(status(() => verify(delivery({}))), 401, "missing");
  assert.equal(status(() => verify(delivery({ "x-hub-signature-256": expected }))), 403, "no prefix");
  assert.equal(status(() => verify(delivery({ "x-hub-signature-256": "sha256=zz" }))), 403, "not hex");
});

it("base64, sha512 and a signed timestamp inside the tolerance; stale or missing timestamps are refused", () => {
  const now = 1_800_000_000_000;
  const spec = WebhookHmac.parse({
    secret: { name: "s", key: "k" },
    header: "X-Sig",
    algorithm: "sha512",
    encoding: "base64",
    timestampHeader: "X-Ts",
    toleranceSeconds: 60,
    signedPayload: "v0:{timestamp}:{body}",
  });
  const verify = hmacVerifier(spec, "k3y", () => now);
  const sign = (ts: string, body: string) => createHmac("sha512", "k3y").update(`v0:${ts}:${body}`).digest("base64");
  const ts = String(now / 1000 - 30);
  assert.equal(status(() => verify(delivery({ "x-sig": sign(ts, "{}"), "x-ts": ts }, "{}"))), 200);
  assert.equal(status(() => verify(delivery({ "x-sig": sign(ts, "{}"), "x-ts": String(Number(ts) + 1) }, "{}"))), 403, "the timestamp is signed");
  const old = String(now / 1000 - 61);
  assert.equal(status(() => verify(delivery({ "x-sig": sign(old, "{}"), "x-ts": old }, "{}"))), 403, "stale");
  assert.equal(status(() => verify(delivery({ "x-sig": sign(ts, "{}") }, "{}"))), 401, "no timestamp");
  assert.equal(status(() => verify(delivery({ "x-sig": sign(ts, "{}"), "x-ts": "soon" }, "{}"))), 403);
});

it("decodeSignature refuses what is not in the encoding; safeEqual refuses other lengths", () => {
  assert.equal(decodeSignature("abc", "hex"), undefined);
  assert.equal(decodeSignature("a b", "base64"), undefined);
  assert.deepEqual(decodeSignature("AQI=", "base64"), Buffer.from([1, 2]));
  assert.equal(safeEqual(Buffer.from([1]), Buffer.from([1, 2])), false);
});

it("the schema asks for timestampHeader when the template uses {timestamp}", () => {
  assert.equal(WebhookHmac.safeParse({ secret: { name: "s", key: "k" }, signedPayload: "{timestamp}.{body}" }).success, false);
  assert.equal(WebhookHmac.safeParse({ secret: { name: "s", key: "k" }, signedPayload: "{timestamp}" }).success, false);
});
