// The journal's own stream: bounded by age and bytes, dropping its oldest records when full (never blocking).
import { DEFAULT_JOURNAL, durationToMs, type JournalSpec } from "@impulse/api";
import { DiscardPolicy, PersistMode, RetentionPolicy, StorageType, type StreamConfig } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import type { BusScope } from "../names.js";
import { journalPrefix, journalStreamName } from "./subjects.js";

export function journalEnabled(spec: JournalSpec | undefined): boolean {
  return spec?.enabled !== false;
}

/** Whether this nats-server knows `persist_mode` (2.12 and later); an older one would warn about, or refuse, the field. */
export function supportsAsyncPersist(serverVersion: string | undefined): boolean {
  const m = /^v?(\d+)\.(\d+)/.exec(serverVersion ?? "");
  return !!m && (Number(m[1]) > 2 || (Number(m[1]) === 2 && Number(m[2]) >= 12));
}

export function journalStreamConfig(scope: BusScope, spec: JournalSpec | undefined, replicas: number, serverVersion?: string): Partial<StreamConfig> & { name: string } {
  const maxAgeMs = spec?.maxAge !== undefined ? durationToMs(spec.maxAge)! : DEFAULT_JOURNAL.maxAgeMs;
  return {
    name: journalStreamName(scope),
    subjects: [`${journalPrefix(scope)}.>`],
    storage: StorageType.File,
    // Records are written to disk in batches, not one write per record (a third of the journal's cost, measured): the
    // journal is best-effort, and a hard kill of the server loses at most its last unflushed records, never events
    // (their stream keeps the default mode). A nats-server before 2.12 writes each record at once.
    ...(supportsAsyncPersist(serverVersion) ? { persist_mode: PersistMode.Async } : {}),
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_age: nanos(maxAgeMs),
    max_bytes: spec?.maxBytes ?? DEFAULT_JOURNAL.maxBytes,
    max_msgs: -1,
    // Records carry no message id: there is nothing to deduplicate.
    duplicate_window: nanos(1000),
    num_replicas: replicas,
    allow_direct: true,
  };
}
