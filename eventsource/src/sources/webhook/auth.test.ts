import assert from "node:assert/strict";
import { it } from "node:test";
import { bearerToken } from "./auth.js";

it("reads the Bearer scheme in any case (RFC 7235)", () => {
  for (const h of ["Bearer t0k", "bearer t0k", "BEARER t0k", "bEaReR \tt0k ", "Bearer  t0k"]) assert.equal(bearerToken(h), "t0k", h);
});

it("refuses other schemes and malformed values", () => {
  for (const h of [undefined, "", "Bearer", "Bearer ", "Basic t0k", "Bearert0k", "Bearer a b"]) assert.equal(bearerToken(h), undefined, String(h));
});
