import assert from "node:assert/strict";
import { setTimeout as sleep } from "node:timers/promises";
import { test } from "node:test";
import { SlowFiringVerdicts } from "./journal.js";

test("only a firing still running after the delay gets its verdicts written, once", async () => {
  const v = new SlowFiringVerdicts(60);
  const written: string[] = [];
  const endFast = v.start(() => written.push("fast"));
  const endSlow = v.start(() => written.push("slow"));
  await sleep(10);
  endFast();
  await sleep(150);
  assert.deepEqual(written, ["slow"]);
  endSlow();
  await sleep(100);
  assert.deepEqual(written, ["slow"], "written once, and nothing after it ended");
});
