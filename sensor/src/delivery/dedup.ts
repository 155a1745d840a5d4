// Records each firing in the bus KV as started, then done, before its event is acknowledged, so that a
// redelivery after a crash of the sensor or of the bus is skipped when the firing completed and flagged as a
// possible duplicate when it was cut off mid-call.
import type { KvStore } from "@impulse/bus";
import { randomBytes } from "node:crypto";
import { recordOf, recordValue } from "./firing-record.js";

const MEMORY_LIMIT = 10_000;

/**
 * What a firing may do, decided before the call:
 * - `first`: no record in the window; recorded as started, go ahead.
 * - `done`: it completed inside the window; skip it.
 * - `unfinished`: a started record with no end (a sensor died between the start and the record of the outcome):
 *   the target may already have the call; fire again with the same Idempotency-Key and say so.
 */
export type Claim = { kind: "first" } | { kind: "done" } | { kind: "unfinished"; startedAt: number };

/** How long a record write keeps trying through a bus outage before the event is left for redelivery. */
export const PERSIST_GIVE_UP_MS = 60_000;

/** Retries a KV write while the bus is away (a restart takes seconds); throws once `signal` aborts or time is up. */
export async function untilStored<T>(write: () => Promise<T>, signal: AbortSignal, giveUpMs = PERSIST_GIVE_UP_MS): Promise<T> {
  const deadline = Date.now() + giveUpMs;
  for (let delay = 100; ; delay = Math.min(delay * 2, 2000)) {
    try {
      return await write();
    } catch (e) {
      if (signal.aborted || Date.now() + delay > deadline) throw e;
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

/** A claimed firing: record its outcome with `finish`, or `release` it without one (shutdown mid-call). */
export interface FiringTicket {
  finish(outcome: "done" | "failed"): Promise<void>;
  release(): void;
}

interface Running {
  ended: Promise<void>;
  end: () => void;
}

export class FiringDedup {
  /** Keys recorded done here, with when (Map keeps insertion order): a duplicate is caught without a KV read. */
  private readonly recent = new Map<string, number>();
  /** Firings running in this process: a concurrent delivery of the same events waits for the first's outcome. */
  private readonly running = new Map<string, Running>();
  /** Marks each claim's records (process + count), so a retried write that had landed is not taken for a crash. */
  private readonly process = randomBytes(6).toString("hex");
  private claims = 0;

  constructor(
    private readonly kv: KvStore,
    readonly windowMs: number,
  ) {}

  /** Decides whether to fire; `first` and `unfinished` come with the ticket that must end the claim. */
  async claim(key: string, signal: AbortSignal): Promise<{ kind: "done" } | (Exclude<Claim, { kind: "done" }> & { ticket: FiringTicket })> {
    for (;;) {
      const at = this.recent.get(key);
      if (at !== undefined && Date.now() - at < this.windowMs) return { kind: "done" };
      const other = this.running.get(key);
      if (!other) break;
      await other.ended;
    }
    let end!: () => void;
    const entry: Running = { ended: new Promise<void>((r) => (end = r)), end };
    this.running.set(key, entry);
    const release = () => {
      if (this.running.get(key) === entry) this.running.delete(key);
      entry.end();
    };
    const owner = `${this.process}.${++this.claims}`;
    let claim: Claim;
    try {
      claim = await untilStored(() => this.record(key, owner), signal);
    } catch (e) {
      release();
      throw e;
    }
    if (claim.kind === "done") {
      release();
      return claim;
    }
    const ticket: FiringTicket = {
      release,
      // Waits until the bus stored the outcome: only then may the event be acknowledged, so a redelivery (the
      // ack lost with a bus restart) finds the firing done instead of firing again.
      finish: async (outcome) => {
        try {
          await untilStored(() => this.kv.put(key, recordValue({ state: outcome, at: Date.now(), owner })), signal);
          if (outcome === "done") this.remember(key);
        } finally {
          release();
        }
      },
    };
    return { ...claim, ticket };
  }

  /** Writes the started record unless one exists (an atomic create); otherwise reads what is there. */
  private async record(key: string, owner: string): Promise<Claim> {
    const mine = recordValue({ state: "started", at: Date.now(), owner });
    for (;;) {
      if (await this.kv.update(key, mine, 0)) return { kind: "first" };
      const entry = await this.kv.get(key);
      if (!entry) continue; // expired or deleted between the two calls
      const r = recordOf(entry.value);
      // A bucket may outlive this window (oncePer records share one long-lived bucket): an older record is expired.
      if (r.state === "done" && Date.now() - r.at < this.windowMs) {
        this.remember(key);
        return { kind: "done" };
      }
      if (r.state === "started" && r.owner === owner) return { kind: "first" }; // this claim's own write, its answer lost
      // Someone else's start with no end; or a failed or expired firing, which may run again like a new one.
      if (!(await this.kv.update(key, mine, entry.revision))) continue;
      return r.state === "started" ? { kind: "unfinished", startedAt: r.at } : { kind: "first" };
    }
  }

  private remember(key: string): void {
    this.recent.delete(key);
    this.recent.set(key, Date.now());
    if (this.recent.size > MEMORY_LIMIT) this.recent.delete(this.recent.keys().next().value!);
  }
}
