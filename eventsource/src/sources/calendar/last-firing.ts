// The last firing the bus stored, kept in the EventSource's KV bucket so a restart (or a new leader) can catch up.
import type { KvStore } from "@impulse/bus";

export interface LastFiringStore {
  load(): Promise<Date | undefined>;
  save(at: Date): Promise<void>;
}

const KEY = "last";

export function kvLastFiring(kv: KvStore): LastFiringStore {
  return {
    async load() {
      const entry = await kv.get(KEY);
      if (!entry) return undefined;
      const { last } = JSON.parse(new TextDecoder().decode(entry.value)) as { last?: string };
      const at = last ? new Date(last) : undefined;
      return at && !Number.isNaN(at.getTime()) ? at : undefined;
    },
    async save(at) {
      await kv.put(KEY, new TextEncoder().encode(JSON.stringify({ last: at.toISOString() })));
    },
  };
}
