// The value kept per idempotency key in the sensor's firing KV bucket: `<state> <ms since epoch> <owner>`.
export interface FiringRecord {
  state: "started" | "done" | "failed";
  /** When the state was written, ms since epoch. */
  at: number;
  /** The sensor process that wrote it. */
  owner: string;
}

const enc = new TextEncoder();
const dec = new TextDecoder();

export function recordValue(r: FiringRecord): Uint8Array {
  return enc.encode(`${r.state} ${r.at} ${r.owner}`);
}

/**
 * Reads a record. Values written before records had states hold only a timestamp: they were written after the
 * firing succeeded, so they read as done; anything unreadable reads as started (fire again, flagged).
 */
export function recordOf(value: Uint8Array): FiringRecord {
  const [state = "", at = "", owner = ""] = dec.decode(value).split(" ");
  if (/^\d+$/.test(state) && !at) return { state: "done", at: Number(state), owner: "" };
  const when = Number(at);
  if ((state === "started" || state === "done" || state === "failed") && Number.isFinite(when)) return { state, at: when, owner };
  return { state: "started", at: 0, owner: "" };
}
