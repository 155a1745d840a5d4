// Bus credentials from the controller: Argo-style username/password YAML, a token key, or a bare token.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseBusAuth, parseBusJournal, parseBusStream } from "./bus-auth.js";

describe("bus credentials and stream settings from the environment", () => {
  it("reads username/password, token, and a bare token", () => {
    assert.deepEqual(parseBusAuth("username: impulse\npassword: s3cret\n"), { user: "impulse", password: "s3cret" });
    assert.deepEqual(parseBusAuth("token: abc"), { token: "abc" });
    assert.deepEqual(parseBusAuth("0123abcd\n"), { token: "0123abcd" });
    assert.deepEqual(parseBusAuth(undefined), {});
    assert.throws(() => parseBusAuth("user: x"), /username\/password or token/);
  });

  it("validates the stream settings like the EventBus spec", () => {
    assert.deepEqual(parseBusStream('{"replicas":3,"maxAge":"24h"}'), { replicas: 3, maxAge: "24h" });
    assert.equal(parseBusStream(undefined), undefined);
    assert.throws(() => parseBusStream('{"replicas":0}'), /IMPULSE_BUS_STREAM: replicas/);
  });

  it("validates the journal settings like the EventBus spec", () => {
    assert.deepEqual(parseBusJournal('{"enabled":false,"maxAge":"24h"}'), { enabled: false, maxAge: "24h" });
    assert.equal(parseBusJournal(undefined), undefined);
    assert.throws(() => parseBusJournal('{"maxAgee":"1h"}'), /IMPULSE_BUS_JOURNAL/);
  });
});
