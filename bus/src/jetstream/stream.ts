// Creates or updates the bus stream so its config always matches the EventBus spec (Argo never updates it).
import { DiscardPolicy, RetentionPolicy, StorageType, type JetStreamManager, type StreamConfig } from "@nats-io/jetstream";
import { durationToMs, ImpulseError, ErrorCodes, type StreamConfig as StreamSpec } from "@impulse/api";
import { nanos } from "@nats-io/transport-node";

/** Defaults for one stream per bus. Unlike Argo (replicas 3, maxMsgs 50000), sized for a single node and a week of events. */
export const DEFAULT_STREAM = {
  maxMsgs: -1,
  maxBytes: -1,
  maxAgeMs: 7 * 24 * 3600_000,
  duplicatesMs: 300_000,
  replicas: 1,
} as const;

export function streamConfig(name: string, subjects: string[], spec: StreamSpec | undefined): Partial<StreamConfig> & { name: string } {
  if (spec?.retention === undefined ? false : (spec.retention as number) === 2)
    throw new ImpulseError(ErrorCodes.InvalidSpec, "streamConfig.retention 2 (WorkQueue) breaks sensors; use 0 (Limits) or 1 (Interest)");
  const maxAgeMs = spec?.maxAge !== undefined ? durationToMs(spec.maxAge)! : DEFAULT_STREAM.maxAgeMs;
  const duplicatesMs = spec?.duplicates !== undefined ? durationToMs(spec.duplicates)! : DEFAULT_STREAM.duplicatesMs;
  return {
    name,
    subjects,
    storage: StorageType.File,
    retention: spec?.retention === 1 ? RetentionPolicy.Interest : RetentionPolicy.Limits,
    discard: spec?.discard === 1 ? DiscardPolicy.New : DiscardPolicy.Old,
    max_msgs: spec?.maxMsgs ?? DEFAULT_STREAM.maxMsgs,
    max_bytes: spec?.maxBytes ?? DEFAULT_STREAM.maxBytes,
    max_age: nanos(maxAgeMs),
    duplicate_window: nanos(duplicatesMs),
    num_replicas: spec?.replicas ?? DEFAULT_STREAM.replicas,
  };
}

export async function ensureStream(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  let existing: StreamConfig | undefined;
  try {
    existing = (await jsm.streams.info(config.name)).config;
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  if (!existing) {
    try {
      await jsm.streams.add(config);
      return;
    } catch (e) {
      // Another process created it between info and add: fall through to update.
      if (!/already in use|exists/i.test(String((e as Error).message))) throw e;
      existing = (await jsm.streams.info(config.name)).config;
    }
  }
  const { name, ...rest } = config;
  // nats-server cannot change a stream's persist mode: one made before (e.g. a journal from an earlier Impulse, written
  // synchronously) keeps its own, rather than failing the update.
  if (existing?.persist_mode !== undefined) rest.persist_mode = existing.persist_mode;
  else delete rest.persist_mode;
  await jsm.streams.update(name, rest);
}

/**
 * Gives an existing stream (a KV bucket's `KV_<bucket>` stream, which the KV client creates but never updates) the
 * wanted number of copies, so a bus moved from 1 to 3 servers replicates its sensor state like its events.
 */
export async function ensureReplicas(jsm: JetStreamManager, stream: string, replicas: number): Promise<void> {
  const info = await jsm.streams.info(stream);
  if (info.config.num_replicas === replicas) return;
  const { name, ...rest } = info.config;
  await jsm.streams.update(name, { ...rest, num_replicas: replicas });
}

/**
 * A replicated stream just created or scaled has no leader for a moment, and a write then fails ("jetstream is not
 * enabled"): wait until one is elected, so the first KV write of a fresh bucket on a cluster succeeds.
 */
export async function waitForLeader(jsm: JetStreamManager, stream: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const info = await jsm.streams.info(stream).catch(() => undefined);
    if (info && (!info.cluster || info.cluster.leader)) return;
    if (Date.now() > deadline) return; // the write itself then reports what is wrong
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function isNotFound(e: unknown): boolean {
  const msg = String((e as Error)?.message ?? e);
  return /not found/i.test(msg) || (e as { code?: number })?.code === 404;
}
