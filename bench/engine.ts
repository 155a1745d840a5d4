// Engine micro-benchmarks: compiled data-filter evaluations/s (regexes on RE2) and parameter resolutions/s on one core,
// each against a raw baseline doing the same comparison or copy by hand in the same run.
import type { ImpulseEvent } from "@impulse/api";
import { buildPayload, compileDependencyFilter } from "@impulse/sensor";

const event: ImpulseEvent = {
  specversion: "1.0", id: "0123456789abcdef0123456789abcdef", source: "webhook", subject: "example", type: "webhook",
  time: "2026-11-22T10:00:00Z", datacontenttype: "application/json",
  data: { header: { "Content-Type": ["application/json"] }, body: { order: { id: "o-1", amount: 150, currency: "EUR" }, tags: ["a", "b"] } },
};

function rate(fn: () => unknown, ms = 1500): number {
  const until = performance.now() + ms;
  let n = 0;
  let sink: unknown;
  while (performance.now() < until) {
    for (let i = 0; i < 1000; i++) sink = fn();
    n += 1000;
  }
  if (sink === Symbol.for("never")) console.log(sink);
  return Math.round(n / (ms / 1000));
}

export interface EngineResult {
  name: string;
  perSec: number;
  rawPerSec: number;
  goal: number;
}

export function benchEngine(): EngineResult[] {
  const filter = compileDependencyFilter(
    {
      name: "d", eventSourceName: "webhook", eventName: "example",
      filters: { data: [
        { path: "body.order.amount", type: "number", comparator: ">=", value: ["100"] },
        { path: "body.order.currency", type: "string", value: ["^EUR$", "^USD$"] },
      ] },
    },
    "bench",
  );
  const re = [/^EUR$/u, /^USD$/u];
  const rawFilter = () => {
    const o = (event.data as { body: { order: { amount: number; currency: string } } }).body.order;
    return o.amount >= 100 && re.some((r) => r.test(o.currency));
  };
  rate(() => filter(event), 300); // warm-up
  const params = [
    { src: { dependencyName: "d", dataKey: "body.order.id" }, dest: "id" },
    { src: { dependencyName: "d", dataKey: "body.order.amount", useRawData: true }, dest: "amount" },
    { src: { dependencyName: "d", contextKey: "id" }, dest: "meta.eventId" },
  ];
  const events = { d: event };
  const rawParams = () => {
    const o = (event.data as { body: { order: { id: string; amount: number } } }).body.order;
    return { id: o.id, amount: o.amount, meta: { eventId: event.id } };
  };
  rate(() => buildPayload(params, events), 300);
  // A pattern that is not a plain literal runs on re2js's general engine (linear time, slower than V8's backtracking).
  const refEvent = { ...event, data: { ref: "refs/heads/release-1.2" } };
  const refFilter = compileDependencyFilter(
    { name: "d", eventSourceName: "webhook", eventName: "example", filters: { data: [{ path: "ref", type: "string", value: ["^refs/heads/(main|release-.*)$"] }] } },
    "bench",
  );
  const refRe = /^refs\/heads\/(main|release-.*)$/u;
  const rawRef = () => refRe.test((refEvent.data as { ref: string }).ref);
  rate(() => refFilter(refEvent), 300);
  return [
    { name: "data filter evaluations (2 filters)", perSec: rate(() => filter(event)), rawPerSec: rate(rawFilter), goal: 1_000_000 },
    { name: "data filter evaluations (one RE2 alternation)", perSec: rate(() => refFilter(refEvent)), rawPerSec: rate(rawRef), goal: 200_000 },
    // Three parameters per build: report resolutions, the unit of the goal.
    { name: "parameter resolutions (payload of 3)", perSec: rate(() => buildPayload(params, events)) * params.length, rawPerSec: rate(rawParams) * params.length, goal: 200_000 },
  ];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const r of benchEngine()) console.log(`${r.name}: ${r.perSec}/s (raw ${r.rawPerSec}/s, goal ${r.goal}/s)`);
}
