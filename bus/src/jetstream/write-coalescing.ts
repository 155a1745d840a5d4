// One change to nats.js's Node transport (@nats-io/transport-node 3.x): what a process sends to nats-server in one
// turn of the event loop leaves in one socket write.
//
// nats.js writes its pending protocol bytes at the end of the microtask queue, so each I/O callback that publishes
// (a webhook request, a delivered message, a KV answer) costs its own write syscall, and nats-server its own read. At
// load that was the largest cost of `impulse dev` (writeBuffer ~15 % of its CPU profile). Corking the socket until
// the event loop's check phase (setImmediate) merges those writes into one writev; the delay is the rest of the
// current loop turn, nothing when the process is idle. Ordering is unchanged (one socket, FIFO). Applied only when the
// transport still has the shape this was written against.
import { NodeTransport } from "@nats-io/transport-node/lib/node_transport.js";
import type { Socket } from "node:net";

interface TransportInternals {
  send(frame: Uint8Array): void;
  socket?: Socket;
  isClosed?: boolean;
}

const proto = NodeTransport.prototype as unknown as TransportInternals;
const original = proto.send;
const expectedShape = typeof original === "function" && /this\._send\(frame\)/.test(original.toString());

/** Whether the patch is in place (false: nats.js changed, and runs unpatched). */
export const writeCoalescingPatched = expectedShape;

const uncork = (s: Socket) => s.uncork();

if (expectedShape) {
  proto.send = function (this: TransportInternals, frame: Uint8Array): void {
    const s = this.socket;
    if (s && !this.isClosed && s.writableCorked === 0 && !s.destroyed) {
      s.cork();
      setImmediate(uncork, s);
    }
    original.call(this, frame);
  };
}
