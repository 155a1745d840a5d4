import assert from "node:assert/strict";
import { createServer } from "node:net";
import { test } from "node:test";
import { findNatsServer, startNatsServer } from "./nats-server.js";

const binary = findNatsServer(process.env["NATS_SERVER_BIN"], process.env["PATH"]);

test("a client port that another process holds: the error says why nats-server stopped", { skip: !binary && "nats-server not installed" }, async () => {
  const holder = createServer();
  await new Promise<void>((r) => holder.listen(0, "127.0.0.1", r));
  const port = (holder.address() as { port: number }).port;
  try {
    await assert.rejects(startNatsServer({ binary: binary!, port }), /exited with code 1: .*address already in use/);
  } finally {
    await new Promise((r) => holder.close(r));
  }
});
