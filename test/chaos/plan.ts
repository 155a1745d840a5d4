// When the chaos run kills what: each kind's kills spread evenly over the sending time, interleaved.
export type Victim = "sensor" | "nats" | "eventsource";

export interface KillCounts {
  sensor: number;
  nats: number;
  eventsource: number;
}

export interface PlannedKill {
  victim: Victim;
  /** Ms after sending started. */
  atMs: number;
}

/** Orders the kills by where each falls in its own kind's even spread, then gives them evenly spaced slots. */
export function killPlan(counts: KillCounts, sendMs: number): PlannedKill[] {
  const order: { victim: Victim; position: number }[] = [];
  for (const victim of ["sensor", "nats", "eventsource"] as const) {
    for (let i = 0; i < counts[victim]; i++) order.push({ victim, position: (i + 0.5) / counts[victim] });
  }
  order.sort((a, b) => a.position - b.position);
  return order.map((k, j) => ({ victim: k.victim, atMs: Math.round(((j + 1) / (order.length + 1)) * sendMs) }));
}
