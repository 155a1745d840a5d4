// KvStore over a JetStream KV bucket.
import type { KV } from "@nats-io/kv";
import type { NatsConnection } from "@nats-io/transport-node";
import type { KvEntry, KvStore } from "../types.js";

export class JetStreamKv implements KvStore {
  constructor(
    private readonly kv: KV,
    private readonly nc: NatsConnection,
    private readonly bucket: string,
  ) {}

  putUnacknowledged(key: string, value: Uint8Array): void {
    // A core publish on the bucket's subject is stored by JetStream like a put, minus the request/reply.
    this.nc.publish(`$KV.${this.bucket}.${key}`, value);
  }

  async get(key: string): Promise<KvEntry | undefined> {
    const e = await this.kv.get(key);
    if (!e || e.operation !== "PUT") return undefined;
    return { value: e.value, revision: e.revision };
  }

  put(key: string, value: Uint8Array): Promise<number> {
    return this.kv.put(key, value);
  }

  async update(key: string, value: Uint8Array, revision: number): Promise<boolean> {
    try {
      if (revision === 0) await this.kv.create(key, value);
      else await this.kv.update(key, value, revision);
      return true;
    } catch (e) {
      if (/wrong last sequence|key exists|10071/i.test(String((e as Error).message))) return false;
      throw e;
    }
  }

  async delete(key: string): Promise<void> {
    await this.kv.delete(key);
  }

  async keys(): Promise<string[]> {
    const out: string[] = [];
    for await (const k of await this.kv.keys()) out.push(k);
    return out;
  }
}
