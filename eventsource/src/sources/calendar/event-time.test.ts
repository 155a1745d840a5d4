// Argo's eventTime format (Go's time.Time.String()) in several zones.
import assert from "node:assert/strict";
import { it } from "node:test";
import { goTimeString } from "./event-time.js";

it("writes times as Go's time.String() does, in the schedule's zone", () => {
  assert.equal(goTimeString(new Date("2026-03-08T07:00:00Z"), "America/New_York"), "2026-03-08 03:00:00 -0400 EDT");
  assert.equal(goTimeString(new Date("2026-01-02T15:04:05.250Z"), "UTC"), "2026-01-02 15:04:05 +0000 UTC");
  assert.equal(goTimeString(new Date("2026-01-02T15:04:05Z"), "Asia/Kolkata"), "2026-01-02 20:34:05 +0530 +0530");
  // Go says CET here; without that abbreviation in the platform's data the numeric form is what Go prints for such zones.
  assert.match(goTimeString(new Date("2026-01-02T15:04:05Z"), "Europe/Berlin"), /^2026-01-02 16:04:05 \+0100 (CET|\+01)$/);
});
