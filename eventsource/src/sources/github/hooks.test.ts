// GitHub delivery checks: the published X-Hub-Signature-256 test vector, event-type selection, payload shapes, hook matching.
import assert from "node:assert/strict";
import { it } from "node:test";
import { GithubConfig } from "@impulse/api";
import type { Delivery } from "../webhook/hooks.js";
import { HttpError } from "../webhook/http-error.js";
import { githubHooks, githubPayload, verifyGithubSignature } from "./hooks.js";
import { hookMatches } from "./registrar.js";

const d = (headers: Record<string, string>, body = "Hello, World!"): Delivery => ({ method: "POST", headers, raw: Buffer.from(body), query: "" });
const statusOf = (f: () => unknown) => {
  try {
    f();
    return 200;
  } catch (e) {
    return (e as HttpError).status;
  }
};

it("verifies GitHub's published test vector and refuses anything else", () => {
  const secret = "It's a Secret to Everybody";
  const sig = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
  assert.equal(statusOf(() => verifyGithubSignature(d({ "x-hub-signature-256": sig }), secret)), 200);
  assert.equal(statusOf(() => verifyGithubSignature(d({ "x-hub-signature-256": sig }), "other")), 403);
  assert.equal(statusOf(() => verifyGithubSignature(d({}), secret)), 401);
  assert.equal(statusOf(() => verifyGithubSignature(d({ "x-hub-signature-256": sig.replace("sha256", "sha1") }), secret)), 403);
});

it("selects by X-GitHub-Event ('*' takes all) and uses a printable X-GitHub-Delivery as the event id", () => {
  const cfg = GithubConfig.parse({ webhook: { endpoint: "/p", port: "1" }, events: ["push", "pull_request"], organizations: ["o"] });
  const h = githubHooks(cfg, undefined);
  assert.equal(h.select!(d({ "x-github-event": "push" })), undefined);
  assert.match(h.select!(d({ "x-github-event": "issues" }))!, /not in events/);
  assert.equal(statusOf(() => h.select!(d({}))), 400);
  assert.equal(githubHooks(GithubConfig.parse({ webhook: { endpoint: "/p", port: "1" }, events: ["*"], organizations: ["o"] }), undefined).select!(d({ "x-github-event": "x" })), undefined);
  assert.equal(h.eventId!(d({ "x-github-delivery": "72d3162e-cc78-11e3-81ab-4c9367dc0958" })), "72d3162e-cc78-11e3-81ab-4c9367dc0958");
  assert.equal(h.eventId!(d({ "x-github-delivery": "has space" })), undefined);
});

it("reads JSON and form payloads; anything but an object is 400", () => {
  assert.deepEqual(githubPayload(d({ "x-github-event": "push" }, '{"a":1}')), { a: 1, "X-GitHub-Event": "push", "X-GitHub-Delivery": "" });
  assert.equal(githubPayload(d({ "content-type": "application/x-www-form-urlencoded" }, "payload=%7B%22b%22%3A2%7D"))["b"], 2);
  assert.equal(statusOf(() => githubPayload(d({}, "[1]"))), 400);
  assert.equal(statusOf(() => githubPayload(d({ "content-type": "application/x-www-form-urlencoded" }, "x=1"))), 400);
});

it("a hook matches when events (as a set, or both '*'), active, content type and insecure_ssl agree", () => {
  const want = { active: true, events: ["push", "issues"], config: { url: "u", content_type: "json", insecure_ssl: "0" } };
  assert.ok(hookMatches({ id: 1, ...want, events: ["issues", "push"] }, want));
  assert.ok(!hookMatches({ id: 1, ...want, active: false }, want));
  assert.ok(!hookMatches({ id: 1, ...want, config: { ...want.config, content_type: "form" } }, want));
  assert.ok(!hookMatches({ id: 1, ...want, config: { ...want.config, insecure_ssl: 1 } }, want));
  assert.ok(hookMatches({ id: 1, ...want, events: ["*"] }, { ...want, events: ["*"] }));
});
