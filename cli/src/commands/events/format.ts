// How `impulse events` prints rows and journeys for people (JSON output is the library's objects as they are).
import type { EventJourney, EventRow } from "@impulse/bus";
import type { ImpulseEvent, StoredJournalRecord } from "@impulse/api";

const hhmmss = (t: string) => t.replace("T", " ").replace(/\.\d+Z$/, "Z");

export function rowStatus(r: EventRow): string {
  if (r.rejected) return `rejected ×${r.rejected.count}: ${r.rejected.reason}`;
  if (r.sensor) return [r.status ?? "", ...(r.status === "filtered" && r.reasons ? [`(${r.reasons.join("; ")})`] : [])].join(" ");
  return r.duplicate ? "duplicate (already on the bus)" : `stored #${r.sequence ?? "?"}, ${r.size ?? 0} B`;
}

export function table(rows: EventRow[]): string {
  const sensorMode = rows.some((r) => r.sensor);
  const head = sensorMode ? ["TIME", "EVENT ID", "SOURCE/EVENT", "SENSOR/TRIGGER", "STATUS"] : ["TIME", "EVENT ID", "SOURCE/EVENT", "STATUS"];
  const body = rows.map((r) => [hhmmss(r.time), r.eventId || "-", `${r.source}/${r.event}`, ...(sensorMode ? [r.sensor ? `${r.sensor}/${r.trigger}` : "-"] : []), rowStatus(r)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  // The last column is not padded: long reasons wrap instead of pushing every line wide.
  return [head, ...body].map((cols) => cols.map((c, i) => (i === cols.length - 1 ? c : c.padEnd(widths[i]!))).join("  ")).join("\n");
}

/** One record as a line of `tail`. */
export function recordLine(r: StoredJournalRecord): string {
  const at = hhmmss(r.time);
  const id = r.eventId || "-";
  switch (r.kind) {
    case "ingest":
      return `${at}  ${id}  ${r.source}/${r.event}  ${r.duplicate ? "received again (duplicate)" : `stored #${r.sequence}`}`;
    case "reject":
      return `${at}  -  ${r.source}/${r.event}  rejected ×${r.count}: ${r.reason}`;
    case "dependency":
      return `${at}  ${id}  ${r.sensor}/${r.trigger}  dependency ${r.dependency} ${r.matched ? "matched" : `not matched: ${r.reason}`}`;
    case "condition":
      return `${at}  ${id}  ${r.sensor}/${r.trigger}  condition ${r.satisfied ? "satisfied" : `waiting for ${r.waitingFor.join(", ")}`}`;
    case "attempt":
      return `${at}  ${id}  ${r.sensor}/${r.trigger}  attempt ${r.attempt}${r.ranTrigger !== r.trigger ? ` (dlqTrigger ${r.ranTrigger})` : ""}: ${r.ok ? r.result : `error: ${r.error}`} (${r.durationMs} ms)`;
    case "firing":
      return `${at}  ${id}  ${r.sensor}/${r.trigger}  ${r.outcome} after ${r.attempts} attempt(s)${r.error ? `: ${r.error}` : r.result ? `: ${r.result}` : ""}`;
  }
}

export function timeline(j: EventJourney & { data?: ImpulseEvent }): string {
  const out: string[] = [`event ${j.eventId}`];
  for (const i of j.ingest)
    out.push(`  ${hhmmss(i.time)}  ingest: ${i.source}/${i.event} (type ${i.type}, ${i.size} B)${i.duplicate ? ", duplicate: already on the bus" : `, bus sequence ${i.sequence}`}${i.via ? `, via ${i.via}` : ""}`);
  if (j.ingest.length === 0) out.push("  (no ingest record: the event came before the journal was on, or its record aged out)");
  if (j.sensors.length === 0) out.push("  no Sensor has looked at it (none listens to this EventSource/event, or they are not running)");
  for (const t of j.sensors) {
    out.push(`  sensor ${t.sensor}, trigger ${t.trigger}`);
    for (const d of t.dependencies) out.push(`    ${hhmmss(d.time)}  dependency ${d.name}: ${d.matched ? "matched" : `not matched: ${d.reason}`}`);
    if (t.condition) out.push(`    ${hhmmss(t.condition.time)}  condition: ${t.condition.satisfied ? "satisfied" : `waiting for ${t.condition.waitingFor.join(", ")}`} (have ${t.condition.have.join(", ") || "none"})`);
    for (const a of t.attempts)
      out.push(`    ${hhmmss(a.time)}  attempt ${a.attempt}${a.ranTrigger !== t.trigger ? ` of dlqTrigger ${a.ranTrigger}` : ""}: ${a.ok ? a.result : `error: ${a.error}`} (${a.durationMs} ms${a.rateLimitedMs ? `, waited ${a.rateLimitedMs} ms for the rate limit` : ""})`);
    if (t.firing) {
      const f = t.firing;
      out.push(`    ${hhmmss(f.time)}  outcome: ${f.outcome}${f.dlqTrigger ? ` (dlqTrigger ${f.dlqTrigger})` : ""} after ${f.attempts} attempt(s), ${f.durationMs} ms${f.error ? `: ${f.error}` : f.result ? `: ${f.result}` : ""}`);
      out.push(`      ${f.triggerKind} trigger, idempotency key ${f.idempotencyKey}, events ${Object.entries(f.events).map(([d, id]) => `${d}=${id}`).join(", ")}${f.deliveryCount > 1 ? `, delivery ${f.deliveryCount}` : ""}`);
    }
  }
  if (j.data) out.push("  data:", ...JSON.stringify(j.data.data, null, 2).split("\n").map((l) => "    " + l));
  else out.push("  data: not available (the event is no longer in the event stream)");
  return out.join("\n");
}
