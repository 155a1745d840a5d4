import assert from "node:assert/strict";
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { it } from "node:test";
import { createSecretResolver, secretValue } from "./secrets.js";

it("drops only the trailing line breaks of a secret", () => {
  assert.equal(secretValue("t0k\n"), "t0k");
  assert.equal(secretValue("t0k\r\n\n"), "t0k");
  assert.equal(secretValue(" t0k \n"), " t0k ", "spaces are the secret's own");
  assert.equal(secretValue("-----BEGIN X-----\nabc\n-----END X-----\n"), "-----BEGIN X-----\nabc\n-----END X-----");
});

it("reads a mounted file and an environment variable the same way", async () => {
  const dir = mkdtempSync(join(tmpdir(), "secrets-"));
  try {
    mkdirSync(join(dir, "api"));
    writeFileSync(join(dir, "api", "token"), "s3cret\n");
    const resolve = createSecretResolver(dir, { IMPULSE_SECRET_HOOK_TOKEN: "s3cret\n" });
    // The same value whether it is the webhook's authSecret or an HTTP trigger's secureHeaders.
    assert.equal(await resolve({ name: "api", key: "token" }), "s3cret");
    assert.equal(await resolve({ name: "hook", key: "token" }), "s3cret");
    await assert.rejects(resolve({ name: "nope", key: "x" }), /secret nope\/x not found/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
