import assert from "node:assert/strict";
import { it } from "node:test";
import { consumerName, decodeToken, encodeToken, eventSubject, safeName, streamName } from "./names.js";

it("encodes any event name into one safe, reversible subject token", () => {
  for (const name of ["simple", "a.b", "x*y>z", "with space", "", "100%", "tab\there", "ünï"]) {
    const t = encodeToken(name);
    assert.doesNotMatch(t, /[.*>\s]/);
    assert.ok(t.length > 0);
    assert.equal(decodeToken(t), name);
  }
});

it("scopes names by namespace and bus, keeping distinct inputs distinct", () => {
  const a = { namespace: "team-a", busName: "default" };
  const b = { namespace: "team-b", busName: "default" };
  assert.notEqual(streamName(a), streamName(b));
  assert.equal(eventSubject(a, "es.1", "ev"), "impulse.team-a.default.es%2E1.ev");
  assert.notEqual(consumerName(a, "sensor.x.y"), consumerName(a, "sensor_x_y"));
  assert.match(safeName("x".repeat(100)), /^[A-Za-z0-9_-]{1,64}$/);
});
