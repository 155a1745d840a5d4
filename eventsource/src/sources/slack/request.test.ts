import assert from "node:assert/strict";
import { it } from "node:test";
import type { Delivery } from "../webhook/hooks.js";
import { HttpError } from "../webhook/http-error.js";
import { parseSlackRequest } from "./request.js";

const json = (doc: unknown): Delivery => ({ method: "POST", headers: { "content-type": "application/json" }, raw: Buffer.from(JSON.stringify(doc)), query: "" });
const form = (body: string): Delivery => ({ method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, raw: Buffer.from(body), query: "" });
const status = (f: () => unknown) => {
  try {
    f();
    return 200;
  } catch (e) {
    assert.ok(e instanceof HttpError);
    return e.status;
  }
};

it("answers url_verification with its challenge", () => {
  assert.deepEqual(parseSlackRequest(json({ type: "url_verification", token: "t", challenge: "3eZbrw1aB" }), "t"), { kind: "challenge", challenge: "3eZbrw1aB" });
});

it("gives an event_callback's inner event as Argo does ({type, Data}) with Slack's event_id", () => {
  const event = { type: "app_mention", user: "U1", text: "<@U0> hi", ts: "1.2", channel: "C1" };
  assert.deepEqual(parseSlackRequest(json({ type: "event_callback", token: "t", event_id: "Ev1", event }), "t"), {
    kind: "event",
    eventId: "Ev1",
    data: { type: "app_mention", Data: event },
  });
});

it("ignores Events API messages that are not events, and refuses another verification token", () => {
  assert.deepEqual(parseSlackRequest(json({ type: "app_rate_limited", minute_rate_limited: 1 }), undefined), { kind: "ignored", type: "app_rate_limited" });
  assert.equal(status(() => parseSlackRequest(json({ type: "event_callback", token: "other", event: { type: "x" } }), "t")), 403);
});

it("reads interactive payloads and slash commands from forms", () => {
  const payload = { type: "block_actions", trigger_id: "13345224609.738474920.8088930838d88f008e0", actions: [{ action_id: "ok" }] };
  assert.deepEqual(parseSlackRequest(form(`payload=${encodeURIComponent(JSON.stringify(payload))}`), "t"), { kind: "interaction", data: payload });
  const cmd = parseSlackRequest(form("token=t&team_id=T1&command=%2Fdeploy&text=prod&user_id=U1&trigger_id=tr"), "t");
  assert.equal(cmd.kind, "command");
  assert.deepEqual((cmd as { data: unknown }).data, {
    token: "t", team_id: "T1", team_domain: "", is_enterprise_install: false, channel_id: "", channel_name: "", user_id: "U1", user_name: "",
    command: "/deploy", text: "prod", response_url: "", trigger_id: "tr", api_app_id: "",
  });
});

it("refuses malformed requests with 400", () => {
  for (const d of [json([1]), json({ type: 3 }), json({ type: "event_callback" }), json({ type: "url_verification" }), form("a=b"), form("payload=%7Bx"), form("payload=5")])
    assert.equal(status(() => parseSlackRequest(d, undefined)), 400, d.raw.toString());
});
