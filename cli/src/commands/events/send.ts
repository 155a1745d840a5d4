// `impulse events send`: puts a CloudEvent on the bus as an EventSource would (or POSTs it to a webhook); --wait shows what the Sensors did.
import { readFileSync } from "node:fs";
import { formatPath, newEventId, StructuredCloudEvent, toImpulseEvent, type ImpulseEvent } from "@impulse/api";
import type { EventJourney, JournalClient, TriggerJourney } from "@impulse/bus";
import { EXIT, openJournal, run, UsageError, type BusFlags } from "./connect.js";
import { timeline } from "./format.js";

export interface SendFlags extends BusFlags {
  source?: string;
  event?: string;
  type?: string;
  id?: string;
  data?: string;
  file?: string;
  webhook?: string;
  wait?: boolean;
  timeout?: string;
}

function parseJson(what: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${what}: not JSON: ${(e as Error).message}`);
  }
}

/** A CloudEvent file is used as is (flags override its source, subject, type, id); any other JSON is the data. */
export function buildEvent(f: SendFlags, read: (path: string) => string = (p) => readFileSync(p === "-" ? 0 : p, "utf8")): ImpulseEvent {
  if (f.file && f.data !== undefined) throw new UsageError("give the data with --data or --file, not both");
  const doc = f.file ? parseJson(f.file === "-" ? "stdin" : f.file, read(f.file)) : f.data !== undefined ? parseJson("--data", f.data) : null;
  const isCloudEvent = doc !== null && typeof doc === "object" && !Array.isArray(doc) && "specversion" in doc;
  const base = isCloudEvent ? (doc as Record<string, unknown>) : { data: doc };
  const candidate = {
    specversion: "1.0",
    ...base,
    id: f.id ?? (base["id"] as string | undefined) ?? newEventId(),
    type: f.type ?? (base["type"] as string | undefined) ?? "webhook",
    // A webhook names the EventSource and event itself.
    ...(f.webhook ? { source: "webhook", subject: "webhook" } : {}),
    ...(f.source ? { source: f.source } : {}),
    ...(f.event ? { subject: f.event } : {}),
  };
  if (!candidate["source" as keyof typeof candidate]) throw new UsageError("--source <EventSource name> is required (or a CloudEvent file with source)");
  if (!candidate["subject" as keyof typeof candidate]) throw new UsageError("--event <event name> is required (or a CloudEvent file with subject)");
  const r = StructuredCloudEvent.safeParse(candidate);
  if (!r.success) throw new UsageError(r.error.issues.map((i) => `event.${formatPath(i.path)}: ${i.message}`).join("; "));
  return toImpulseEvent(r.data);
}

/** POSTs the data to a running webhook, which answers with the event id it stored. */
async function postToWebhook(url: string, e: ImpulseEvent): Promise<string> {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(e.data) });
  const body = (await res.json().catch(() => ({}))) as { eventId?: string; status?: string; error?: string };
  if (res.status !== 200) throw new UsageError(`the webhook answered ${res.status}: ${body.error ?? res.statusText}`);
  if (body.status === "filtered") throw new UsageError("the webhook's filter.expression dropped the event: nothing was stored");
  if (!body.eventId) throw new UsageError("the webhook answered without an event id");
  return body.eventId;
}

const settled = (t: TriggerJourney) =>
  t.firing !== undefined || (t.condition !== undefined && !t.condition.satisfied) || (t.dependencies.length > 0 && t.dependencies.every((d) => !d.matched));

/** Polls the journey until every trigger that looked at the event finished, nothing new came for a while, or the timeout. */
async function waitForJourney(journal: JournalClient, id: string, timeoutMs: number): Promise<EventJourney | undefined> {
  const deadline = Date.now() + timeoutMs;
  let last: EventJourney | undefined;
  let quietSince = Date.now();
  for (;;) {
    const j = await journal.get(id).catch(() => undefined);
    if (j && j.records.length !== last?.records.length) quietSince = Date.now();
    last = j ?? last;
    const quietMs = Date.now() - quietSince;
    if (last && last.sensors.length > 0 && last.sensors.every(settled) && quietMs >= 1000) return last;
    if (last && last.sensors.length === 0 && quietMs >= 3000) return last;
    if (Date.now() > deadline) return last;
    await new Promise((r) => setTimeout(r, 300));
  }
}

export function send(flags: SendFlags): Promise<number> {
  return run(flags, async () => {
    const event = buildEvent(flags);
    const timeoutMs = flags.timeout ? Number(flags.timeout) * 1000 : 30_000;
    if (!(timeoutMs > 0)) throw new UsageError(`--timeout ${flags.timeout}: expected seconds`);
    const journal = flags.wait || !flags.webhook ? await openJournal(flags) : undefined;
    try {
      let id: string;
      let extra: Record<string, unknown> = {};
      if (flags.webhook) id = await postToWebhook(flags.webhook, event);
      else {
        const r = await journal!.send(event);
        id = r.id;
        extra = { sequence: r.sequence, ...(r.duplicate ? { duplicate: true } : {}) };
      }
      if (!flags.wait) {
        console.log(flags.json ? JSON.stringify({ id, ...extra }) : id);
        return EXIT.ok;
      }
      await journal!.info(); // no journal: say so now rather than wait in vain
      const j = await waitForJourney(journal!, id, timeoutMs);
      if (flags.json) console.log(JSON.stringify({ id, ...extra, journey: j ?? null }));
      else console.log(j ? timeline(j) : `${id}\n  nothing in the journal yet for this event`);
      const failed = j?.sensors.some((t) => t.firing && ["given-up", "dlq-failed", "dead-lettered"].includes(t.firing.outcome));
      return failed ? EXIT.failedFiring : EXIT.ok;
    } finally {
      await journal?.close();
    }
  });
}
