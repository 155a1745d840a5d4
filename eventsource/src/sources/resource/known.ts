// What the resource source already published, per object, kept in the bus KV so a restart neither repeats nor misses changes.
import type { KvStore } from "@impulse/bus";
import type { KubeObject } from "../../kube-http.js";

/** The little kept per object: enough to diff a relist, date a DELETE, and (only when asked) give UPDATE its oldBody. */
export interface KnownObject {
  rv: string;
  name: string;
  namespace?: string;
  /** Fingerprint of a core Event, to recognise repeats. */
  fp?: string;
  /** The object as JSON without managedFields; kept only when UPDATE events need oldBody. */
  body?: string;
}

const CHECKPOINT = "checkpoint";
const OBJECT_PREFIX = "o.";
const enc = new TextEncoder();
const dec = new TextDecoder();

/** Drops managedFields: usually the largest part of an object and of no use in oldBody. */
export function compactBody(obj: KubeObject): string {
  const { managedFields: _mf, ...metadata } = obj.metadata;
  return JSON.stringify({ ...obj, metadata });
}

export class KnownObjects {
  private constructor(
    private readonly kv: KvStore,
    private readonly objects: Map<string, KnownObject>,
    private checkpointRv: string | undefined,
  ) {}

  static async load(kv: KvStore): Promise<KnownObjects> {
    const objects = new Map<string, KnownObject>();
    let checkpoint: string | undefined;
    const keys = await kv.keys();
    // Parallel reads in slices: tens of thousands of objects load in seconds, not minutes.
    for (let i = 0; i < keys.length; i += 64) {
      await Promise.all(
        keys.slice(i, i + 64).map(async (key) => {
          const entry = await kv.get(key);
          if (!entry) return;
          const text = dec.decode(entry.value);
          if (key === CHECKPOINT) checkpoint = text || undefined;
          else if (key.startsWith(OBJECT_PREFIX)) objects.set(key.slice(OBJECT_PREFIX.length), JSON.parse(text) as KnownObject);
        }),
      );
    }
    return new KnownObjects(kv, objects, checkpoint);
  }

  get checkpoint(): string | undefined {
    return this.checkpointRv;
  }

  get size(): number {
    return this.objects.size;
  }

  get(uid: string): KnownObject | undefined {
    return this.objects.get(uid);
  }

  entries(): IterableIterator<[string, KnownObject]> {
    return this.objects.entries();
  }

  async set(uid: string, known: KnownObject): Promise<void> {
    this.objects.set(uid, known);
    await this.kv.put(OBJECT_PREFIX + uid, enc.encode(JSON.stringify(known)));
  }

  async forget(uid: string): Promise<void> {
    this.objects.delete(uid);
    await this.kv.delete(OBJECT_PREFIX + uid);
  }

  /**
   * Where a watch resumes. Losing this write is harmless (the resumed watch replays a little and the per-object
   * versions skip what was already published), so it is not awaited.
   */
  advance(rv: string): void {
    if (rv === this.checkpointRv) return;
    this.checkpointRv = rv;
    this.kv.putUnacknowledged(CHECKPOINT, enc.encode(rv));
  }

  /** Forgets the resume point: the next start relists and diffs against the known objects. */
  resetCheckpoint(): void {
    this.checkpointRv = undefined;
  }
}
