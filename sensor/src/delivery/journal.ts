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

/**
 * Firings that follow their match at once leave the matched verdicts to the firing record; one still running after
 * `afterMs` gets them recorded, so a slow target shows "matched" meanwhile. One sweep timer for all firings, not a
 * timer per event (this runs on every delivery).
 */
export class SlowFiringVerdicts {
  /** In start order, so a sweep stops at the first one that is not late yet. */
  private readonly running = new Map<object, { at: number; write: () => void }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly afterMs: number) {}

  /** A firing starts; `write` records its verdicts if it is still running after afterMs. Returns its `end`. */
  start(write: () => void): () => void {
    const token = {};
    this.running.set(token, { at: Date.now(), write });
    this.timer ??= setInterval(() => this.sweep(), Math.max(10, this.afterMs / 4)).unref();
    return () => {
      this.running.delete(token);
      if (this.running.size === 0 && this.timer) {
        clearInterval(this.timer);
        this.timer = undefined;
      }
    };
  }

  private sweep(): void {
    const now = Date.now();
    for (const [token, f] of this.running) {
      if (now - f.at < this.afterMs) return;
      this.running.delete(token);
      f.write();
    }
  }
}
