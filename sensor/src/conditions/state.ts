// The latest event per dependency of one trigger, kept in the bus KV so partial conditions survive restarts.
import { createHash } from "node:crypto";
import type { ImpulseEvent } from "@impulse/api";
import type { KvStore } from "@impulse/bus";

export interface SavedEvent {
  event: ImpulseEvent;
  /** Stream sequence: an older redelivery never replaces a newer event. */
  sequence: number;
  /** When it was saved (ms since epoch), for conditionsReset at start-up. */
  savedAt: number;
}

const enc = new TextEncoder();
const dec = new TextDecoder();
/** KV keys allow [-/_=.A-Za-z0-9]: base64url keeps any trigger or dependency name valid. */
const b64 = (s: string) => Buffer.from(s).toString("base64url");

export class TriggerConditionState {
  private readonly saved = new Map<string, SavedEvent>();
  private readonly prefix: string;

  private constructor(
    private readonly kv: KvStore,
    trigger: string,
  ) {
    this.prefix = `t.${b64(trigger)}`;
  }

  /** Loads what was saved; when the trigger's spec changed since (hash differs), purges it instead. */
  static async open(kv: KvStore, trigger: string, specHash: string): Promise<{ state: TriggerConditionState; purged: number }> {
    const s = new TriggerConditionState(kv, trigger);
    const mine = (await kv.keys()).filter((k) => k.startsWith(s.prefix + "."));
    const stored = await kv.get(`${s.prefix}.spec`);
    let purged = 0;
    if (stored && dec.decode(stored.value) === specHash) {
      for (const key of mine.filter((k) => k.startsWith(`${s.prefix}.d.`))) {
        const e = await kv.get(key);
        if (!e) continue;
        const dep = Buffer.from(key.slice(s.prefix.length + 3), "base64url").toString();
        s.saved.set(dep, JSON.parse(dec.decode(e.value)) as SavedEvent);
      }
    } else {
      for (const key of mine) if (key !== `${s.prefix}.spec`) (await kv.delete(key), purged++);
      await kv.put(`${s.prefix}.spec`, enc.encode(specHash));
    }
    return { state: s, purged };
  }

  dependencies(): Set<string> {
    return new Set(this.saved.keys());
  }

  events(): Record<string, ImpulseEvent> {
    return Object.fromEntries([...this.saved].map(([dep, s]) => [dep, s.event]));
  }

  /** Records the event in memory (newest sequence wins); persist() writes it. */
  offer(dep: string, saved: SavedEvent): boolean {
    const current = this.saved.get(dep);
    if (current && current.sequence > saved.sequence) return false;
    this.saved.set(dep, saved);
    return true;
  }

  async persist(dep: string): Promise<void> {
    const s = this.saved.get(dep);
    if (s) await this.kv.put(`${this.prefix}.d.${b64(dep)}`, enc.encode(JSON.stringify(s)));
  }

  /** Drops events saved before `ms` (a reset that happened while the sensor was down); returns how many. */
  async dropSavedBefore(ms: number): Promise<number> {
    const old = [...this.saved].filter(([, s]) => (s.savedAt ?? 0) < ms).map(([dep]) => dep);
    for (const dep of old) {
      this.saved.delete(dep);
      await this.kv.delete(`${this.prefix}.d.${b64(dep)}`);
    }
    return old.length;
  }

  /** After a firing or a conditionsReset: every dependency starts over, as in Argo. */
  async clear(): Promise<void> {
    const deps = [...this.saved.keys()];
    this.saved.clear();
    for (const dep of deps) await this.kv.delete(`${this.prefix}.d.${b64(dep)}`);
  }
}

/** Changes when the trigger's condition or any of its dependencies' definitions change. */
export function conditionSpecHash(conditions: string, dependencies: unknown[]): string {
  return createHash("sha256").update(JSON.stringify({ conditions, dependencies })).digest("hex").slice(0, 32);
}
