// Turns MinIO's ListenBucketNotification stream (one JSON line per record, spaces as keep-alive) into records, Argo's event data and stable ids (pure).
import { createHash } from "node:crypto";
import { PoisonMessage } from "../shared/poison.js";

/** One S3 event record as MinIO sends it (the fields Impulse reads; the rest is kept as sent). */
export interface MinioRecord {
  eventName?: string;
  eventTime?: string;
  s3?: { bucket?: { name?: string }; object?: { key?: string; eTag?: string; versionId?: string; sequencer?: string } };
  [k: string]: unknown;
}

/** What one line of the stream held: records, nothing (a ping), or a line that is not a notification. */
export type Line = { records: MinioRecord[] } | { poison: string };

/**
 * Splits the stream into lines. MinIO writes one `{"Records":[...]}` document per line and a bare space every 500 ms
 * to keep the connection open, so a line may start with spaces and a chunk may end in the middle of a line.
 */
export function lineSplitter(): { push(chunk: string): Line[]; /** Bytes of an unfinished line held back. */ readonly pending: number } {
  let rest = "";
  return {
    push(chunk) {
      rest += chunk;
      const parts = rest.split("\n");
      rest = parts.pop()!;
      // A partial line made only of keep-alive spaces is not worth holding.
      if (rest.trim() === "") rest = "";
      return parts.map((p) => p.trim()).filter((p) => p !== "").map(decodeLine);
    },
    get pending() {
      return rest.length;
    },
  };
}

/** One line: its records (null Records is MinIO's empty ping), or poison when it is not a notification document. */
export function decodeLine(line: string): Line {
  let doc: unknown;
  try {
    doc = JSON.parse(line);
  } catch (e) {
    return { poison: `not JSON: ${(e as Error).message}` };
  }
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return { poison: "not a notification document" };
  const records = (doc as { Records?: unknown }).Records;
  if (records === null || records === undefined) return { records: [] };
  if (!Array.isArray(records)) return { poison: "Records is not a list" };
  return { records: records as MinioRecord[] };
}

/** Checks what the event id and Sensors need from a record; a record without bucket and key is poison. */
export function checkRecord(r: unknown): MinioRecord {
  if (typeof r !== "object" || r === null || Array.isArray(r)) throw new PoisonMessage("record is not an object");
  const rec = r as MinioRecord;
  if (typeof rec.eventName !== "string" || !rec.eventName) throw new PoisonMessage("record has no eventName");
  if (typeof rec.s3?.bucket?.name !== "string" || typeof rec.s3?.object?.key !== "string") throw new PoisonMessage("record has no s3.bucket.name or s3.object.key");
  return rec;
}

/**
 * The same notification always gets the same id (bucket, key, version, sequencer, eTag and event name), so a copy
 * (two listeners during a leader handover, a replica that re-listens) is stored once by the bus dedup window.
 * MinIO's sequencer is the operation's time in nanoseconds; hashed, as keys may be 1 KiB long.
 */
export function minioEventId(eventSourceName: string, eventName: string, r: MinioRecord): string {
  const o = r.s3?.object ?? {};
  const h = createHash("sha256");
  for (const part of [r.s3?.bucket?.name, o.key, o.versionId, o.sequencer, o.eTag, r.eventName]) h.update(part ?? "").update("\0");
  return `${eventSourceName}:${eventName}:minio:${h.digest("base64url")}`;
}

/** Argo's MinioEventData: the notification's records (MinIO sends one per notification) and the event's metadata. */
export function minioEventData(r: MinioRecord, metadata: Record<string, string> | undefined): Record<string, unknown> {
  return { notification: [r], ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}) };
}

/** S3's URI encoding (RFC 3986 unreserved kept): the signature covers the query as the server re-encodes it. */
const s3Escape = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);

/** The query of ListenBucketNotification: prefix, suffix and events, sorted as the S3 signature wants. */
export function listenQuery(prefix: string | undefined, suffix: string | undefined, events: readonly string[] | undefined): string {
  const q: string[] = [];
  if (prefix) q.push(`prefix=${s3Escape(prefix)}`);
  if (suffix) q.push(`suffix=${s3Escape(suffix)}`);
  for (const e of events ?? []) q.push(`events=${s3Escape(e)}`);
  return q.sort().join("&");
}
