// The chaos run in short (npm run chaos is the full one): 3,000 events at 400/s while the Sensor, nats-server and
// the EventSource are each killed with SIGKILL once: nothing accepted is lost, no effect is applied twice at a
// target that honours Idempotency-Key, and every raw duplicate was flagged by the Sensor as a possible duplicate.
import assert from "node:assert/strict";
import { it } from "node:test";
import { failures, runChaos, summaryLine } from "../../chaos/scenario.js";

it("loses nothing and applies no effect twice through one kill -9 of each runtime and of nats-server", async (t) => {
  const r = await runChaos({ events: 3000, ratePerSec: 400, kills: { sensor: 1, nats: 1, eventsource: 1 }, log: (l) => t.diagnostic(l) });
  t.diagnostic(summaryLine(r));
  assert.equal(r.accepted, 3000, "every event is accepted in the end (the client retries 503s and refused connections)");
  assert.equal(r.lost, 0, "accepted events that never reached the target");
  assert.equal(r.dupEffects, 0, "effects applied twice despite the Idempotency-Key");
  assert.deepEqual(failures(r), []);
});
