// Where each Slack thread of a messageAggregationKey started: kept on the bus, so a restarted sensor replies in the same thread.
import { createHash } from "node:crypto";
import type { KvStore } from "@impulse/bus";
import type { Logger } from "pino";
import { KeyedMutex } from "../../delivery/mutex.js";

/** A thread's start is remembered this long after it was posted; a later message with the key starts a new thread. */
export const THREAD_TTL_MS = 30 * 24 * 3_600_000;
const MEMORY_LIMIT = 1_000;

interface Thread {
  /** The parent message's ts: replies name it as thread_ts. */
  ts: string;
}

/**
 * Argo (notifications-engine) keeps this map in the sensor's memory: after a restart the next message starts a second
 * thread. Here it is a KV bucket of the sensor; a small in-memory copy spares a read per message. Messages of one key
 * are posted one after another in this process, so two concurrent firings cannot both start a thread.
 */
export class SlackThreads {
  private readonly memory = new Map<string, Thread>();
  private readonly mutex = new KeyedMutex();
  private kv: Promise<KvStore | undefined> | undefined;

  constructor(
    private readonly open: (() => Promise<KvStore>) | undefined,
    private readonly logger: Logger,
  ) {}

  private store(): Promise<KvStore | undefined> {
    this.kv ??= (this.open?.() ?? Promise.resolve(undefined)).catch((e: unknown) => {
      this.kv = undefined; // try again at the next message
      throw e;
    });
    return this.kv;
  }

  /** KV keys allow few characters; channel and key are hashed together. */
  static keyOf(channel: string, aggregationKey: string): string {
    return createHash("sha256").update(`${channel}\n${aggregationKey}`).digest("hex").slice(0, 40);
  }

  /**
   * Runs `post` with the thread's parent ts (undefined: no thread yet) and, when it started a thread, remembers the
   * ts it returns. The bus being away fails the lookup (retryable: the firing is tried again), never a post.
   */
  async within<R extends { ts: string }>(channel: string, aggregationKey: string, post: (threadTs: string | undefined) => Promise<R>): Promise<R & { threadTs?: string }> {
    const key = SlackThreads.keyOf(channel, aggregationKey);
    return this.mutex.run(key, async () => {
      let thread = this.memory.get(key);
      if (!thread) {
        const kv = await this.store();
        const entry = await kv?.get(key);
        if (entry) thread = JSON.parse(new TextDecoder().decode(entry.value)) as Thread;
      }
      if (thread) {
        this.remember(key, thread);
        return { ...(await post(thread.ts)), threadTs: thread.ts };
      }
      const posted = await post(undefined);
      const started = { ts: posted.ts };
      this.remember(key, started);
      try {
        await (await this.store())?.put(key, new TextEncoder().encode(JSON.stringify(started)));
      } catch (e) {
        // The message is out: failing now would post it again. This process still knows the thread.
        this.logger.warn({ err: (e as Error).message }, "slack: the new thread could not be saved on the bus; a restarted sensor would start another thread for this key");
      }
      return posted;
    });
  }

  private remember(key: string, t: Thread) {
    this.memory.delete(key);
    this.memory.set(key, t);
    if (this.memory.size > MEMORY_LIMIT) this.memory.delete(this.memory.keys().next().value!);
  }
}
