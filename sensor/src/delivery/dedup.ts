// Suppresses repeated firings for the same idempotency key inside a window: in memory for the common path,
// in the bus KV (with the window as TTL) so a redelivery after a crash or restart is caught too.
import type { KvStore } from "@impulse/bus";

const MEMORY_LIMIT = 10_000;
const enc = new TextEncoder();

export class FiringDedup {
  /** Recently fired keys with when they fired, oldest first (Map keeps insertion order). */
  private readonly recent = new Map<string, number>();

  constructor(
    private readonly kv: KvStore,
    readonly windowMs: number,
  ) {}

  /** Whether this key fired inside the window. The KV is asked only for redeliveries, which is when a crash can have hidden a firing. */
  async seen(key: string, redelivery: boolean): Promise<boolean> {
    const at = this.recent.get(key);
    if (at !== undefined && Date.now() - at < this.windowMs) return true;
    if (!redelivery) return false;
    return (await this.kv.get(key)) !== undefined;
  }

  /**
   * Records a firing. The KV write is not awaited: it only matters if this process dies before the event is
   * acknowledged, and waiting for it on every firing cost a fifth of sensor throughput (docs/performance.md).
   */
  remember(key: string): void {
    this.recent.delete(key);
    this.recent.set(key, Date.now());
    if (this.recent.size > MEMORY_LIMIT) this.recent.delete(this.recent.keys().next().value!);
    this.kv.putUnacknowledged(key, enc.encode(String(Date.now())));
  }
}
