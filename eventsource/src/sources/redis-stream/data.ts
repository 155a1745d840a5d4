// Argo's event data of a Redis stream entry (RedisStreamEventData), and the entry's stable event id.

/** XREADGROUP's flat [field, value, field, value...] list as Argo's values map. */
export function entryValues(flat: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) values[flat[i]!] = flat[i + 1]!;
  return values;
}

export function redisStreamEventData(stream: string, id: string, flat: string[], metadata: Record<string, string> | undefined): Record<string, unknown> {
  return { stream, message_id: id, values: entryValues(flat), ...(metadata && Object.keys(metadata).length > 0 ? { metadata } : {}) };
}

/** The same entry read again (after a crash, by another replica) gets the same id, so the bus stores it once. */
export function redisStreamEventId(eventSourceName: string, eventName: string, hostAddress: string, db: number, stream: string, entryId: string): string {
  return `${eventSourceName}:${eventName}:${hostAddress}/${db}:${stream}:${entryId}`;
}
