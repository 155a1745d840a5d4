// Stripe-Signature checks, with signatures computed as Stripe's docs describe (HMAC-SHA256 of "<t>.<payload>").
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { it } from "node:test";
import type { Delivery } from "../webhook/hooks.js";
import { HttpError } from "../webhook/http-error.js";
import { stripeSignature, verifyStripe } from "./verify.js";

const SECRET = "whsec_test_secret";
const BODY = '{"id":"evt_1","object":"event","type":"charge.succeeded"}';
const T = 1_700_000_000;
const now = T * 1000;
// Computed independently of verify.ts, as the docs' "verify manually" steps say.
const v1 = (body: string, secret = SECRET, t = T) => createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");

const delivery = (sig: string | undefined, body = BODY): Delivery => ({ method: "POST", headers: sig === undefined ? {} : { "stripe-signature": sig }, raw: Buffer.from(body), query: "" });
const status = (sig: string | undefined, body?: string, at = now) => {
  try {
    verifyStripe(delivery(sig, body), SECRET, 300, at);
    return 200;
  } catch (e) {
    assert.ok(e instanceof HttpError);
    assert.equal(e.message.includes(SECRET), false);
    return e.status;
  }
};

it("accepts Stripe's header format: t, one or more v1, and other schemes ignored", () => {
  assert.equal(stripeSignature(SECRET, T, BODY), `t=${T},v1=${v1(BODY)}`);
  assert.equal(status(`t=${T},v1=${v1(BODY)}`), 200);
  assert.equal(status(`t=${T},v1=${v1(BODY, "whsec_old")},v1=${v1(BODY)},v0=6ffbb59b2300aae63f272406069a9788598b792a944a07aba816edb039989a39`), 200, "a rolled secret: one v1 matches");
  assert.equal(status(` t=${T} , v1=${v1(BODY)} `), 200, "spaces around the parts");
  assert.equal(status(`t=${T},v1=${v1(BODY)}`, BODY, now + 299_000), 200);
});

it("refuses a missing header (401), and a malformed, wrong or stale one (403)", () => {
  assert.equal(status(undefined), 401);
  assert.equal(status(""), 401);
  assert.equal(status(`v1=${v1(BODY)}`), 403, "no t");
  assert.equal(status(`t=${T}`), 403, "no v1");
  assert.equal(status(`t=${T},v0=${v1(BODY)}`), 403, "only another scheme");
  assert.equal(status(`t=${T},v1=${v1(BODY, "whsec_other")}`), 403, "another secret");
  assert.equal(status(`t=${T},v1=${v1(BODY)}`, BODY + " "), 403, "another body");
  assert.equal(status(`t=${T + 1},v1=${v1(BODY)}`), 403, "another timestamp");
  assert.equal(status(`t=${T},v1=${v1(BODY)}`, BODY, now + 301_000), 403, "older than the tolerance");
  assert.equal(status(`t=abc,v1=${v1(BODY)}`), 403);
  assert.equal(status(`t=${T},v1=zz`), 403);
  assert.equal(status(`garbage`), 403);
});
