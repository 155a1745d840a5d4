// The last listing of the watched files, kept in the EventSource's KV bucket so changes made while it was down are found.
import type { KvStore } from "@impulse/bus";
import type { EntryStat } from "./diff.js";

export interface ListingStore {
  /**
   * The stored listing, or undefined when this event never ran or watched something else (`watching` differs):
   * then the start only takes a listing.
   */
  load(watching: string): Promise<Map<string, EntryStat> | undefined>;
  set(name: string, stat: EntryStat): Promise<void>;
  delete(name: string): Promise<void>;
  /** Marks the listing complete (after the first one was stored) and what it is a listing of. */
  markInitialized(watching: string): Promise<void>;
}

const INIT = "init";
/** KV keys allow only [-/_=.A-Za-z0-9]: file names are base64url-encoded behind a prefix. */
const key = (name: string) => `f.${Buffer.from(name).toString("base64url") || "="}`;
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

export function kvListingStore(kv: KvStore): ListingStore {
  return {
    async load(watching) {
      const init = await kv.get(INIT);
      const keys = (await kv.keys()).filter((k) => k.startsWith("f."));
      if (!init || (JSON.parse(new TextDecoder().decode(init.value)) as { watching?: string }).watching !== watching) {
        // Another directory or pattern than last time: its old listing would only yield spurious changes.
        for (const k of keys) await kv.delete(k);
        return undefined;
      }
      const listing = new Map<string, EntryStat>();
      for (const k of keys) {
        const e = await kv.get(k);
        if (!e) continue;
        const { name, ...stat } = JSON.parse(new TextDecoder().decode(e.value)) as EntryStat & { name: string };
        listing.set(name, stat);
      }
      return listing;
    },
    async set(name, stat) {
      await kv.put(key(name), enc({ name, ...stat }));
    },
    async delete(name) {
      await kv.delete(key(name));
    },
    async markInitialized(watching) {
      await kv.put(INIT, enc({ watching, at: new Date().toISOString() }));
    },
  };
}

/** A listing store in memory: for unit tests of the watchers (what is kept, and when). */
export function memoryListingStore(): ListingStore {
  let watched: string | undefined;
  const entries = new Map<string, EntryStat>();
  return {
    load: async (watching) => (watched === watching ? new Map(entries) : undefined),
    set: async (name, stat) => void entries.set(name, stat),
    delete: async (name) => void entries.delete(name),
    markInitialized: async (watching) => void (watched = watching),
  };
}
