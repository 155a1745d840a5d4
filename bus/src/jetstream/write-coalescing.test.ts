import assert from "node:assert/strict";
import { createServer, connect, type Socket } from "node:net";
import { test } from "node:test";
import { NodeTransport } from "@nats-io/transport-node/lib/node_transport.js";
import { writeCoalescingPatched } from "./write-coalescing.js";

test("nats.js's transport has the shape the patch was written against (else it runs unpatched: update the patch)", () => {
  assert.equal(writeCoalescingPatched, true);
});

test("frames sent in one event-loop turn leave in one write, in order", async () => {
  const received: Buffer[] = [];
  const server = createServer((c) => c.on("data", (d) => received.push(d)));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const socket: Socket = connect((server.address() as { port: number }).port, "127.0.0.1");
  await new Promise((r) => socket.once("connect", r));
  try {
    let writes = 0;
    const writev = socket._writev!.bind(socket);
    const write = socket._write.bind(socket);
    socket._writev = (chunks, cb) => (writes++, writev(chunks, cb));
    socket._write = (chunk, enc, cb) => (writes++, write(chunk, enc, cb));
    // A transport as nats.js builds it, on this socket (its connect handshake is not what is tested here).
    const t = Object.assign(Object.create(NodeTransport.prototype) as NodeTransport, { socket, done: false, options: {} });
    for (const s of ["PUB a 1\r\nx\r\n", "PUB b 1\r\ny\r\n", "PUB c 1\r\nz\r\n"]) t.send(new TextEncoder().encode(s));
    assert.equal(writes, 0, "nothing written while the turn runs");
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(writes, 1);
    assert.equal(Buffer.concat(received).toString(), "PUB a 1\r\nx\r\nPUB b 1\r\ny\r\nPUB c 1\r\nz\r\n");
    // The next turn starts a new batch.
    t.send(new TextEncoder().encode("PING\r\n"));
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(writes, 2);
  } finally {
    socket.destroy();
    await new Promise((r) => server.close(r));
  }
});
