import assert from "node:assert/strict";
import { test } from "node:test";
import { journalStreamConfig, supportsAsyncPersist } from "./stream.js";

test("async persist only on nats-server 2.12 and later, which know the field", () => {
  for (const v of ["2.12.0", "2.15.1", "v2.12.3", "3.0.0"]) assert.equal(supportsAsyncPersist(v), true, v);
  for (const v of ["2.11.9", "2.10.29", "", undefined, "dev"]) assert.equal(supportsAsyncPersist(v), false, String(v));
  const scope = { namespace: "ns", busName: "default" };
  assert.equal(journalStreamConfig(scope, undefined, 1, "2.15.1").persist_mode, "async");
  assert.equal("persist_mode" in journalStreamConfig(scope, undefined, 1, "2.11.9"), false);
});
