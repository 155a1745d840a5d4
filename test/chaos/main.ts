// npm run chaos: runs the chaos scenario with the given size and kills, prints one summary line, and exits 1 if
// an accepted event was lost, an effect was applied twice, or a duplicate went unflagged.
import { parseArgs } from "node:util";
import { failures, runChaos, summaryLine } from "./scenario.js";

const { values } = parseArgs({
  options: {
    events: { type: "string", default: process.env["CHAOS_EVENTS"] ?? "20000" },
    rate: { type: "string", default: process.env["CHAOS_RATE"] ?? "250" },
    "sensor-kills": { type: "string", default: process.env["CHAOS_SENSOR_KILLS"] ?? "5" },
    "nats-kills": { type: "string", default: process.env["CHAOS_NATS_KILLS"] ?? "2" },
    "eventsource-kills": { type: "string", default: process.env["CHAOS_EVENTSOURCE_KILLS"] ?? "0" },
    quiet: { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});

if (values.help) {
  console.log(`npm run chaos -- [--events N] [--rate N] [--sensor-kills N] [--nats-kills N] [--eventsource-kills N] [--quiet]
  defaults: 20000 events at 250/s, Sensor killed 5 times, nats-server 2 times, EventSource 0 times
  env: CHAOS_EVENTS, CHAOS_RATE, CHAOS_SENSOR_KILLS, CHAOS_NATS_KILLS, CHAOS_EVENTSOURCE_KILLS`);
  process.exit(0);
}

function count(name: keyof typeof values): number {
  const n = Number(values[name]);
  if (!Number.isInteger(n) || n < 0) {
    console.error(`--${name} must be a whole number, got ${String(values[name])}`);
    process.exit(2);
  }
  return n;
}

const result = await runChaos({
  events: count("events"),
  ratePerSec: Math.max(1, count("rate")),
  kills: { sensor: count("sensor-kills"), nats: count("nats-kills"), eventsource: count("eventsource-kills") },
  log: values.quiet ? undefined : (line) => console.error(`[chaos] ${line}`),
});
console.log(summaryLine(result));
const failed = failures(result);
for (const f of failed) console.error(`[chaos] FAILED: ${f}`);
process.exit(failed.length ? 1 : 0);
