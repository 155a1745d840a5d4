// Creates a stream's consumer group where missing (at the stream's end, as Argo) and prunes readers that left long ago.
import type { Redis } from "ioredis";
import type { Logger } from "pino";

/** A consumer with nothing pending and idle this long is a stopped process's: forgetting it keeps XINFO readable. */
const PRUNE_IDLE_MS = 24 * 3_600_000;

export async function ensureGroup(client: Redis, stream: string, group: string, log: Logger): Promise<void> {
  try {
    // MKSTREAM: Argo fails until the stream exists; an empty stream costs nothing and the source can start first.
    await client.xgroup("CREATE", stream, group, "$", "MKSTREAM");
    log.info({ stream }, "created consumer group at the stream's end");
  } catch (e) {
    if (!(e as Error).message.startsWith("BUSYGROUP")) throw e;
  }
  const consumers = (await client.xinfo("CONSUMERS", stream, group)) as unknown[][];
  for (const c of consumers) {
    const info: Record<string, unknown> = {};
    for (let i = 0; i + 1 < c.length; i += 2) info[String(c[i])] = c[i + 1];
    if (Number(info["pending"]) === 0 && Number(info["idle"]) > PRUNE_IDLE_MS) await client.xgroup("DELCONSUMER", stream, group, String(info["name"]));
  }
}
