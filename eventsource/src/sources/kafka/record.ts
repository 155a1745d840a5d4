// Turns one Kafka record into Argo's kafka event data and its stable event id (pure; no client types).

export interface KafkaRecordIn {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | null;
  value: Buffer | null;
  /** Milliseconds since the epoch, as a string (what Kafka clients hand out). */
  timestamp: string;
  headers?: Record<string, Buffer | string | (Buffer | string)[] | undefined> | undefined;
}

export interface BodyOptions {
  jsonBody: boolean;
  /** Impulse opt-in: with jsonBody false, valid JSON goes in as JSON instead of base64. */
  jsonPassthrough: boolean;
}

export class PoisonRecord extends Error {}

/** Argo's genUniqueID: the same record always gets the same id, so a re-read is dropped by the bus dedup window. */
export function kafkaEventId(eventSourceName: string, eventName: string, url: string, topic: string, partition: number, offset: string): string {
  return `${eventSourceName}:${eventName}:${url.split(",")[0]!.trim()}:${topic}:${partition}:${offset}`;
}

/** Go's time.Time.String() in UTC ("2024-01-02 03:04:05.678 +0000 UTC"): trailing zeros of the fraction dropped. */
export function goTimeString(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number, w = 2) => String(n).padStart(w, "0");
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
  const frac = d.getUTCMilliseconds() ? "." + pad(d.getUTCMilliseconds(), 3).replace(/0+$/, "") : "";
  return `${date} ${time}${frac} +0000 UTC`;
}

function parseJson(raw: Buffer): { ok: true; value: unknown } | { ok: false; error: string } {
  try {
    return { ok: true, value: JSON.parse(raw.toString("utf8")) };
  } catch (e) {
    return { ok: false, error: (e as Error).message };
  }
}

/**
 * The record value as Argo puts it in `body`: parsed JSON with jsonBody (a tombstone is null, anything else that is
 * not JSON throws PoisonRecord), otherwise base64 of the bytes as Go marshals a []byte.
 */
export function recordBody(value: Buffer | null, o: BodyOptions): unknown {
  if (value === null) return null;
  if (o.jsonBody) {
    const parsed = parseJson(value);
    if (!parsed.ok) throw new PoisonRecord(`record value is not JSON (jsonBody is true): ${parsed.error}`);
    return parsed.value;
  }
  if (o.jsonPassthrough && value.length > 0) {
    const parsed = parseJson(value);
    if (parsed.ok) return parsed.value;
  }
  return value.toString("base64");
}

/** Header values as strings; when a key repeats, the last value wins as in Argo's map. */
export function recordHeaders(headers: KafkaRecordIn["headers"]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    const last = Array.isArray(v) ? v[v.length - 1] : v;
    if (last !== undefined) out[k] = last.toString();
  }
  return out;
}

/** Argo's KafkaEventData: {topic, key, partition, body, timestamp, headers, metadata?}. No offset (it is in the id). */
export function kafkaEventData(r: KafkaRecordIn, o: BodyOptions, metadata: Record<string, string> | undefined): Record<string, unknown> {
  const data: Record<string, unknown> = {
    topic: r.topic,
    key: r.key?.toString("utf8") ?? "",
    partition: r.partition,
    body: recordBody(r.value, o),
    timestamp: goTimeString(Number(r.timestamp)),
    headers: recordHeaders(r.headers),
  };
  if (metadata && Object.keys(metadata).length) data["metadata"] = metadata;
  return data;
}
