// The journal's own stream: bounded by age and bytes, dropping its oldest records when full (never blocking).
import { DEFAULT_JOURNAL, durationToMs, type JournalSpec } from "@impulse/api";
import { DiscardPolicy, RetentionPolicy, StorageType, type StreamConfig } from "@nats-io/jetstream";
import { nanos } from "@nats-io/transport-node";
import type { BusScope } from "../names.js";
import { journalPrefix, journalStreamName } from "./subjects.js";

export function journalEnabled(spec: JournalSpec | undefined): boolean {
  return spec?.enabled !== false;
}

export function journalStreamConfig(scope: BusScope, spec: JournalSpec | undefined, replicas: number): Partial<StreamConfig> & { name: string } {
  const maxAgeMs = spec?.maxAge !== undefined ? durationToMs(spec.maxAge)! : DEFAULT_JOURNAL.maxAgeMs;
  return {
    name: journalStreamName(scope),
    subjects: [`${journalPrefix(scope)}.>`],
    storage: StorageType.File,
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
