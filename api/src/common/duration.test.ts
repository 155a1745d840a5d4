import assert from "node:assert/strict";
import { it } from "node:test";
import { durationToMs, parseGoDuration } from "./duration.js";

it("parses Go durations and Argo's integer nanoseconds", () => {
  assert.equal(parseGoDuration("1h2m3.5s"), 3_723_500);
  assert.equal(parseGoDuration("300ms"), 300);
  assert.equal(parseGoDuration("1500us"), 1.5);
  assert.equal(parseGoDuration("0"), 0);
  assert.equal(parseGoDuration("-2s"), -2000);
  assert.equal(parseGoDuration("2 s"), undefined);
  assert.equal(parseGoDuration("10"), undefined);
  assert.equal(durationToMs(2_000_000_000), 2000);
  assert.equal(durationToMs("1000000"), 1);
  assert.equal(durationToMs("2s"), 2000);
});
