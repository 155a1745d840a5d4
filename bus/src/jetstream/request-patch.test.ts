import assert from "node:assert/strict";
import { test } from "node:test";
import { RequestError, RequestOne } from "@nats-io/nats-core/internal";
import { answeredRequestPatched } from "./request-patch.js";

/** A mux that only records what left it. */
const mux = () => ({ cancelled: [] as unknown[], cancel(r: unknown) { this.cancelled.push(r); } });

test("nats.js has the shape the patch was written against (else it runs unpatched: update the patch)", () => {
  assert.equal(answeredRequestPatched, true);
});

test("an answered request resolves and leaves the mux without building a 'cancelled' RequestError", async () => {
  const m = mux();
  const r = new RequestOne(m as never, "subject", { timeout: 1000 }, false);
  let errors = 0;
  const deferred = r.deferred as unknown as { reject(e: unknown): void };
  const reject = deferred.reject.bind(deferred);
  deferred.reject = (e) => (errors++, reject(e));
  r.resolver(null, "answer" as never);
  assert.equal(await r.deferred, "answer");
  assert.equal(errors, 0);
  assert.deepEqual(m.cancelled, [r]);
});

test("a failed request still rejects with nats.js's RequestError, and cancel still cancels", async () => {
  const failed = new RequestOne(mux() as never, "subject", { timeout: 1000 }, false);
  failed.resolver(new Error("no responders"), undefined as never);
  await assert.rejects(failed.deferred, (e: Error) => e instanceof RequestError && /no responders/.test(e.message));
  const cancelled = new RequestOne(mux() as never, "subject", { timeout: 1000 }, false);
  cancelled.cancel();
  await assert.rejects(cancelled.deferred, (e: Error) => e instanceof RequestError && /cancelled/.test(e.message));
});
