// `impulse dev --webhook-port`: moves the examples' webhook without editing tracked files.
import assert from "node:assert/strict";
import { it } from "node:test";
import { parseResource, type Resource } from "@impulse/api";
import { overrideWebhookPort } from "./webhook-port.js";

function source(events: Record<string, string>): Resource {
  const webhook = Object.fromEntries(Object.entries(events).map(([name, port]) => [name, { port, endpoint: `/${name}`, method: "POST" }]));
  const r = parseResource({ apiVersion: "impulse.dev/v1alpha1", kind: "EventSource", metadata: { name: "hooks" }, spec: { webhook } });
  assert.ok(r.ok);
  return r.resource;
}

it("moves every webhook event to the given port", () => {
  const [moved] = overrideWebhookPort([source({ a: "12000", b: "12000" })], "12001");
  assert.ok(moved?.kind === "EventSource");
  assert.deepEqual(Object.values(moved.spec.webhook ?? {}).map((w) => w.port), ["12001", "12001"]);
});

it("refuses a bad port, files without webhooks, and files with several webhook ports", () => {
  assert.throws(() => overrideWebhookPort([source({ a: "12000" })], "0"), /must be a port number/);
  assert.throws(() => overrideWebhookPort([source({ a: "12000" })], "http"), /must be a port number/);
  assert.throws(() => overrideWebhookPort([], "12001"), /no webhook event/);
  assert.throws(() => overrideWebhookPort([source({ a: "12000", b: "13000" })], "12001"), /several ports \(12000, 13000\)/);
});
