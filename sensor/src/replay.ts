// Replays and redrives asked for by `impulse events`: stored events through one Sensor's triggers, outside its
// subscription and without touching its saved condition state.
import { errorMessage, type ImpulseEvent, type ReplayReply, type ReplayRequest, type ReplayTriggerResult } from "@impulse/api";
import { RedeliverLater } from "@impulse/bus";
import type { CompiledSensor, CompiledTrigger } from "./compile.js";
import { evaluate } from "./conditions/parse.js";
import type { TriggerJournal } from "./delivery/journal.js";
import { dryRun } from "./dry-run.js";
import type { FireOutcome } from "./fire.js";
import type { FiredEvents } from "./params/resolve.js";

export interface ReplayTarget {
  trigger: CompiledTrigger;
  journal: TriggerJournal;
  match(event: ImpulseEvent, journal: TriggerJournal): Promise<{ events: FiredEvents; reasons: string[] }>;
  fire(events: FiredEvents, journal: TriggerJournal, replay: { id: string; respectDedup: boolean }): Promise<FireOutcome>;
}

const STATUS: Record<FireOutcome, ReplayTriggerResult["status"]> = { fired: "succeeded", failed: "given-up", "dead-lettered": "dead-lettered", duplicate: "duplicate" };

function check(req: unknown): ReplayRequest {
  const r = req as Partial<ReplayRequest> | null;
  if (!r || typeof r !== "object" || typeof r.replayId !== "string" || (r.mode !== "replay" && r.mode !== "redrive") || !r.events || typeof r.events !== "object")
    throw new Error("not a replay request");
  if (r.mode === "replay" && Object.keys(r.events).length !== 1) throw new Error("a replay carries exactly one event");
  return r as ReplayRequest;
}

async function one(sensor: CompiledSensor, target: ReplayTarget, req: ReplayRequest): Promise<ReplayTriggerResult> {
  const t = target.trigger;
  const journal = target.journal.forReplay(req.replayId);
  const replay = { id: req.replayId, respectDedup: req.respectDedup === true };
  if (req.dryRun) {
    if (req.mode === "redrive") return { trigger: t.name, status: "would-fire" };
    const [step] = await dryRun(sensor, Object.values(req.events));
    const v = step?.triggers.find((x) => x.name === t.name);
    const reasons = step?.dependencies.filter((d) => !d.matched && t.dependencies.some((td) => td.name === d.name)).map((d) => `${d.name}: ${d.reason}`) ?? [];
    if (!v) return { trigger: t.name, status: "filtered", reasons: ["no dependency of this trigger listens to this EventSource/event"] };
    return v.fired
      ? { trigger: t.name, status: "would-fire", resolved: { template: v.resolved.template, payload: v.resolved.payload } }
      : { trigger: t.name, status: reasons.length ? "filtered" : "waiting", reasons: reasons.length ? reasons : [v.reason] };
  }
  let events: FiredEvents = req.events;
  if (req.mode === "replay") {
    const event = Object.values(req.events)[0]!;
    const m = await target.match(event, journal);
    if (Object.keys(m.events).length === 0) return { trigger: t.name, status: "filtered", reasons: m.reasons.length ? m.reasons : ["no dependency of this trigger listens to this EventSource/event"] };
    // Saved state is left alone: the replayed event must satisfy the condition by itself.
    if (t.stateful && !evaluate(t.condition, new Set(Object.keys(m.events))))
      return { trigger: t.name, status: "waiting", reasons: ["the trigger's condition needs other dependencies' events too (saved state is not used by a replay); redrive a recorded firing instead"] };
    events = m.events;
  }
  try {
    return { trigger: t.name, status: STATUS[await target.fire(events, journal, replay)] };
  } catch (e) {
    if (e instanceof RedeliverLater) return { trigger: t.name, status: "dlq-failed", error: e.message };
    return { trigger: t.name, status: "not-fired", error: errorMessage(e) };
  }
}

export async function handleReplay(sensor: CompiledSensor, targets: Map<string, ReplayTarget>, request: unknown): Promise<ReplayReply> {
  const req = check(request);
  if (req.trigger && !targets.has(req.trigger)) return { sensor: sensor.name, results: [], error: `Sensor ${sensor.name} has no trigger ${req.trigger} (it has ${[...targets.keys()].join(", ")})` };
  const chosen = req.trigger ? [targets.get(req.trigger)!] : [...targets.values()];
  return { sensor: sensor.name, results: await Promise.all(chosen.map((t) => one(sensor, t, req))) };
}
