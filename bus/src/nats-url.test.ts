import assert from "node:assert/strict";
import { it } from "node:test";
import { parseNatsUrl, redactUrl } from "./nats-url.js";

it("takes user and password out of the URL", () => {
  assert.deepEqual(parseNatsUrl("nats://alice:p%40ss@127.0.0.1:4222"), { servers: ["nats://127.0.0.1:4222"], user: "alice", password: "p@ss" });
});

it("takes a token out of the URL", () => {
  assert.deepEqual(parseNatsUrl("nats://s3cret@127.0.0.1:4222, nats://s3cret@127.0.0.2:4222"), {
    servers: ["nats://127.0.0.1:4222", "nats://127.0.0.2:4222"],
    token: "s3cret",
  });
});

it("leaves URLs without credentials alone", () => {
  assert.deepEqual(parseNatsUrl("nats://127.0.0.1:4222,127.0.0.2:4223"), { servers: ["nats://127.0.0.1:4222", "127.0.0.2:4223"] });
});

it("refuses different credentials in several URLs, and an empty user", () => {
  assert.throws(() => parseNatsUrl("nats://a:1@h1:4222,nats://a:2@h2:4222"), /different credentials/);
  assert.throws(() => parseNatsUrl("nats://:pw@h1:4222"), /empty user name/);
  assert.throws(() => parseNatsUrl(""), /no NATS server URL/);
});

it("redacts credentials in any text, never the host", () => {
  assert.equal(redactUrl("nats://alice:pw@10.0.0.1:4222,nats://tok@h:1"), "nats://***@10.0.0.1:4222,nats://***@h:1");
  assert.equal(redactUrl("connect to tls://u:p@x failed"), "connect to tls://***@x failed");
  assert.equal(redactUrl("nats://10.0.0.1:4222"), "nats://10.0.0.1:4222");
});
