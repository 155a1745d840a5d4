// One change to nats.js's request path (@nats-io/nats-core 3.x): a request that got its answer is not also "cancelled".
//
// RequestOne.resolver, on an answer, resolves the request's promise and then calls cancel(), which rejects the same
// (already settled) promise with `new RequestError("cancelled")`. The rejection is a no-op, but building the Error
// captures a stack trace, on every JetStream publish and KV write: the largest single item in a CPU profile of
// `impulse dev` under load (RequestError 4.8 % of all samples). This skips that Error on the answered path only;
// errors, timeouts and real cancels go through nats.js unchanged. Applied only when nats.js still has the shape this
// was written against, so a newer nats.js that changed it runs as it is.
import { RequestOne } from "@nats-io/nats-core/internal";

interface RequestOneInternals {
  resolver(err: Error | null, msg: unknown): void;
  cancel(err?: Error): void;
  timer?: { cancel(): void };
  mux: { cancel(r: unknown): void };
  deferred: { resolve(v: unknown): void };
}

const proto = RequestOne.prototype as unknown as RequestOneInternals;
const original = proto.resolver;
const expectedShape = typeof original === "function" && /this\.deferred\.resolve\(msg\)[\s\S]*this\.cancel\(\)/.test(original.toString());

/** Whether the patch is in place (false: nats.js changed, and runs unpatched). */
export const answeredRequestPatched = expectedShape;

if (expectedShape) {
  proto.resolver = function (this: RequestOneInternals, err: Error | null, msg: unknown): void {
    if (err) return original.call(this, err, msg);
    // cancel() minus its reject of the settled promise: stop the timer, leave the mux.
    this.timer?.cancel();
    this.deferred.resolve(msg);
    this.mux.cancel(this);
  };
}
