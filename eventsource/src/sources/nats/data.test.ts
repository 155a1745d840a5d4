// NATS event data keeps Argo's shape: JSON bodies parsed, others base64, header and metadata only when present.
import assert from "node:assert/strict";
import { test } from "node:test";
import { PoisonMessage } from "../shared/poison.js";
import { natsEventData } from "./data.js";

const bytes = (s: string) => new TextEncoder().encode(s);

test("jsonBody parses the body; without it the body is base64, as Go marshals []byte", () => {
  assert.deepEqual(natsEventData({ subject: "a.b", data: bytes('{"x":1}') }, true, undefined), { subject: "a.b", body: { x: 1 } });
  assert.deepEqual(natsEventData({ subject: "a", data: bytes("hi") }, false, { team: "t" }), { subject: "a", body: "aGk=", metadata: { team: "t" } });
});

test("headers appear as name → values; none → no header field", () => {
  const d = natsEventData({ subject: "s", data: bytes("1"), headers: { "X-Id": ["7", "8"] } }, true, {});
  assert.deepEqual(d, { subject: "s", body: 1, header: { "X-Id": ["7", "8"] } });
});

test("a body that is not JSON with jsonBody is poison", () => {
  assert.throws(() => natsEventData({ subject: "s", data: bytes("not json {") }, true, undefined), PoisonMessage);
});
