// What the resource source already published, per object, kept in the bus KV so a restart neither repeats nor misses changes.
import type { KvStore } from "@impulse/bus";
import type { KubeObject } from "../../kube-http.js";

/** The little kept in memory per object: enough to diff a relist and to recognise repeats. */
export interface KnownObject {
  rv: string;
  name: string;
  namespace?: string;
  /** Fingerprint of a core Event, to recognise repeats. */
  fp?: string;
}

/**
 * What is stored per object in the KV: the above, plus (only when UPDATE events need oldBody) the object as JSON
 * without managedFields. The body is read back from the KV when needed and never held in memory, so memory per
 * object stays small however large the objects are.
 */
export interface StoredObject extends KnownObject {
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
          else if (key.startsWith(OBJECT_PREFIX)) {
            const { body: _body, ...known } = JSON.parse(text) as StoredObject;
            objects.set(key.slice(OBJECT_PREFIX.length), known);
          }
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

  async set(uid: string, stored: StoredObject): Promise<void> {
    const { body: _body, ...known } = stored;
    this.objects.set(uid, known);
    await this.kv.put(OBJECT_PREFIX + uid, enc.encode(JSON.stringify(stored)));
  }

  /** The last version stored for an object (when bodies are kept), from the KV: one read per UPDATE or relist DELETE. */
  async body(uid: string): Promise<KubeObject | undefined> {
    const entry = await this.kv.get(OBJECT_PREFIX + uid);
    const body = entry ? (JSON.parse(dec.decode(entry.value)) as StoredObject).body : undefined;
    return body ? (JSON.parse(body) as KubeObject) : undefined;
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
