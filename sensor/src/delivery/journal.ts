// What one trigger of a Sensor tells the event journal: verdicts, condition state, attempts, outcome. Never waits.
import type { FiringOutcome, ImpulseEvent } from "@impulse/api";
import type { JournalWriter } from "@impulse/bus";
import type { FiredEvents } from "../params/resolve.js";

export interface AttemptNote {
  ranTrigger: string;
  attempt: number;
  durationMs: number;
  ok: boolean;
  result?: string;
  error?: string;
  rateLimitedMs?: number;
}

export interface FiringNote {
  outcome: FiringOutcome;
  triggerKind: string;
  idempotencyKey: string;
  attempts: number;
  durationMs: number;
  deliveryCount: number;
  result?: string;
  error?: string;
  dlqTrigger?: string;
}

const now = () => new Date().toISOString();
const round = (ms: number) => Math.round(ms * 10) / 10;

/** Bound to one Sensor and trigger; a disabled journal makes every call a no-op before any record is built. */
export class TriggerJournal {
  constructor(
    private readonly writer: JournalWriter,
    readonly sensor: string,
    readonly trigger: string,
    /** Set for a replay or redrive: every record carries its id. */
    private readonly replay?: string,
  ) {}

  /** The same trigger's journal for one replay. */
  forReplay(replayId: string): TriggerJournal {
    return new TriggerJournal(this.writer, this.sensor, this.trigger, replayId);
  }

  private get mark(): { replay?: string } {
    return this.replay ? { replay: this.replay } : {};
  }

  get enabled(): boolean {
    return this.writer.enabled;
  }

  dependency(e: ImpulseEvent, dependency: string, matched: boolean, reason?: string): void {
    if (!this.writer.enabled) return;
    this.writer.append({ ...this.mark, kind: "dependency", time: now(), eventId: e.id, source: e.source, event: e.subject, sensor: this.sensor, trigger: this.trigger, dependency, matched, ...(reason !== undefined ? { reason } : {}) });
  }

  condition(e: ImpulseEvent, satisfied: boolean, have: string[], all: string[]): void {
    if (!this.writer.enabled) return;
    this.writer.append({ ...this.mark, kind: "condition", time: now(), eventId: e.id, source: e.source, event: e.subject, sensor: this.sensor, trigger: this.trigger, satisfied, have, waitingFor: all.filter((d) => !have.includes(d)) });
  }

  attempt(events: FiredEvents, a: AttemptNote): void {
    if (!this.writer.enabled) return;
    const first = Object.values(events)[0];
    for (const e of new Map(Object.values(events).map((ev) => [ev.id, ev])).values())
      this.writer.append({ ...this.mark, kind: "attempt", time: now(), eventId: e.id, source: e.source ?? first?.source ?? "", event: e.subject, sensor: this.sensor, trigger: this.trigger, ...a, durationMs: round(a.durationMs) });
  }

  firing(events: FiredEvents, f: FiringNote): void {
    if (!this.writer.enabled) return;
    const first = Object.values(events)[0];
    this.writer.append({
      ...this.mark,
      kind: "firing",
      time: now(),
      eventId: first?.id ?? "",
      source: first?.source ?? "",
      event: first?.subject ?? "",
      sensor: this.sensor,
      trigger: this.trigger,
      events: Object.fromEntries(Object.entries(events).map(([dep, e]) => [dep, e.id])),
      ...f,
      durationMs: round(f.durationMs),
    });
  }
}
