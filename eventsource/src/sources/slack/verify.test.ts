// Slack signature checks against the worked example in Slack's "Verifying requests from Slack" guide.
import assert from "node:assert/strict";
import { it } from "node:test";
import type { Delivery } from "../webhook/hooks.js";
import { HttpError } from "../webhook/http-error.js";
import { slackSignature, verifySlack } from "./verify.js";

// The guide's example: signing secret, timestamp and slash-command body, and the signature it gives.
const DOC_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
const DOC_TS = "1531420618";
const DOC_BODY =
  "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
const DOC_SIG = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";
const docNow = Number(DOC_TS) * 1000;

const delivery = (headers: Record<string, string>, body = DOC_BODY): Delivery => ({ method: "POST", headers, raw: Buffer.from(body), query: "" });
const status = (f: () => void) => {
  try {
    f();
    return 200;
  } catch (e) {
    assert.ok(e instanceof HttpError, String(e));
    assert.equal(e.message.includes(DOC_SECRET), false, "the secret is never in a message");
    return e.status;
  }
};
const headers = (sig: string, ts = DOC_TS) => ({ "x-slack-signature": sig, "x-slack-request-timestamp": ts });

it("computes and accepts Slack's published example", () => {
  assert.equal(slackSignature(DOC_SECRET, DOC_TS, DOC_BODY), DOC_SIG);
  assert.equal(status(() => verifySlack(delivery(headers(DOC_SIG)), DOC_SECRET, docNow)), 200);
  assert.equal(status(() => verifySlack(delivery(headers(DOC_SIG)), DOC_SECRET, docNow + 299_000)), 200, "inside 5 minutes");
});

it("refuses missing headers with 401, and wrong, malformed or stale signatures with 403", () => {
  const check = (h: Record<string, string>, body?: string, now = docNow) => status(() => verifySlack(delivery(h, body), DOC_SECRET, now));
  assert.equal(check({}), 401);
  assert.equal(check({ "x-slack-signature": DOC_SIG }), 401, "no timestamp");
  assert.equal(check(headers(DOC_SIG), DOC_BODY + "&x=1"), 403, "another body");
  assert.equal(check(headers(DOC_SIG, "1531420619")), 403, "another timestamp");
  assert.equal(check(headers(DOC_SIG.replace("v0=", "v1="))), 403, "another version");
  assert.equal(check(headers("v0=zz")), 403, "not hex");
  assert.equal(check(headers(DOC_SIG.slice(0, -2))), 403, "truncated");
  assert.equal(check(headers(DOC_SIG, "soon")), 403, "timestamp not a number");
  assert.equal(check(headers(DOC_SIG), DOC_BODY, docNow + 301_000), 403, "replayed after 5 minutes");
  assert.equal(check(headers(DOC_SIG), DOC_BODY, docNow - 301_000), 403, "from the future");
});
