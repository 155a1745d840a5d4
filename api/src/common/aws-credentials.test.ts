import assert from "node:assert/strict";
import { it } from "node:test";
import { cachedUntilNearExpiry, roleSessionName, type AwsCredentials } from "./aws-credentials.js";

it("reuses temporary credentials until the margin before expiry, then fetches new ones", async () => {
  let now = 0;
  let fetches = 0;
  const get = cachedUntilNearExpiry(
    async () => ({ accessKeyId: `k${++fetches}`, secretAccessKey: "s", expiration: new Date(now + 3600_000) }),
    { marginMs: 300_000, now: () => now },
  );
  assert.equal((await get()).accessKeyId, "k1");
  now = 3600_000 - 300_001;
  assert.equal((await get()).accessKeyId, "k1");
  now = 3600_000 - 300_000;
  assert.equal((await get()).accessKeyId, "k2");
  assert.equal(fetches, 2);
});

it("shares one fetch between concurrent callers and does not keep a failure", async () => {
  let fetches = 0;
  let fail = true;
  const get = cachedUntilNearExpiry(async (): Promise<AwsCredentials> => {
    fetches++;
    await new Promise((r) => setTimeout(r, 5));
    if (fail) throw new Error("sts down");
    return { accessKeyId: "k", secretAccessKey: "s", expiration: new Date(Date.now() + 3600_000) };
  });
  const results = await Promise.allSettled([get(), get(), get()]);
  assert.equal(fetches, 1);
  assert.ok(results.every((r) => r.status === "rejected"));
  fail = false;
  const [a, b] = await Promise.all([get(), get()]);
  assert.equal(fetches, 2);
  assert.equal(a, b);
});

it("names the STS session after the sensor and trigger within STS's rules", () => {
  assert.equal(roleSessionName("orders", "invoke-billing"), "impulse-orders-invoke-billing");
  assert.equal(roleSessionName("a b", "c/d"), "impulse-a-b-c-d");
  const long = roleSessionName("s".repeat(100), "t");
  assert.equal(long.length, 64);
  assert.match(long, /^[\w+=,.@-]+$/);
});
