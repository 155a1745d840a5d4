// The last listing of the watched files, kept in the EventSource's KV bucket so changes made while it was down are found.
import type { KvStore } from "@impulse/bus";
import type { EntryStat } from "./diff.js";

export interface ListingStore {
  /** The stored listing, or undefined when this event never ran (its first start only takes a listing). */
  load(): Promise<Map<string, EntryStat> | undefined>;
  set(name: string, stat: EntryStat): Promise<void>;
  delete(name: string): Promise<void>;
  /** Marks the listing complete (after the first one was stored). */
  markInitialized(): Promise<void>;
}

const INIT = "init";
/** KV keys allow only [-/_=.A-Za-z0-9]: file names are base64url-encoded behind a prefix. */
const key = (name: string) => `f.${Buffer.from(name).toString("base64url") || "="}`;
const enc = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));

export function kvListingStore(kv: KvStore): ListingStore {
  return {
    async load() {
      if (!(await kv.get(INIT))) return undefined;
      const listing = new Map<string, EntryStat>();
      for (const k of await kv.keys()) {
        if (!k.startsWith("f.")) continue;
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
    async markInitialized() {
      await kv.put(INIT, enc({ at: new Date().toISOString() }));
    },
  };
}
