import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { busUrl, DEV_STATE_FILE, UsageError } from "./connect.js";

test("the bus URL: the flag, then IMPULSE_BUS_URL, then what `impulse dev` wrote in its data dir", () => {
  const dir = mkdtempSync(join(tmpdir(), "impulse-events-"));
  assert.equal(busUrl({ natsUrl: "nats://a:1", dataDir: dir }, { IMPULSE_BUS_URL: "nats://b:2" }), "nats://a:1");
  assert.equal(busUrl({ dataDir: dir }, { IMPULSE_BUS_URL: "nats://b:2" }), "nats://b:2");
  assert.throws(() => busUrl({ dataDir: dir }, {}), (e: Error) => e instanceof UsageError && /--nats-url/.test(e.message) && e.message.includes(dir));
  writeFileSync(join(dir, DEV_STATE_FILE), JSON.stringify({ url: "nats://127.0.0.1:4999", pid: 1 }));
  assert.equal(busUrl({ dataDir: dir }, {}), "nats://127.0.0.1:4999");
});
