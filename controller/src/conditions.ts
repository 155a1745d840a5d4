// status.conditions: Kubernetes-style conditions with stable transition times, a Ready summary, and what changed.

export type ConditionStatus = "True" | "False" | "Unknown";

export interface Condition {
  type: string;
  status: ConditionStatus;
  /** UpperCamelCase, machine-readable. */
  reason: string;
  /** For people: what is wrong and what to do. */
  message: string;
  lastTransitionTime: string;
  observedGeneration?: number;
}

export type ConditionInput = Omit<Condition, "lastTransitionTime" | "observedGeneration">;

export const READY = "Ready";

/**
 * Ready is True when every other condition is True; otherwise it carries the first failing condition's reason and
 * message, so `kubectl get` shows why in the Reason column.
 */
export function withReady(conds: ConditionInput[], ready: { reason: string; message: string }): ConditionInput[] {
  const failing = conds.find((c) => c.status !== "True");
  const summary: ConditionInput = failing
    ? { type: READY, status: failing.status, reason: failing.reason, message: failing.message }
    : { type: READY, status: "True", reason: ready.reason, message: ready.message };
  return [summary, ...conds];
}

/**
 * The new condition list: a condition keeps its lastTransitionTime while its status stays the same (as
 * meta.SetStatusCondition does). Conditions not in `next` are kept as they were (e.g. Deployed while a spec is invalid).
 */
export function mergeConditions(previous: Condition[] | undefined, next: ConditionInput[], generation: number | undefined, now: Date): Condition[] {
  const prev = new Map((previous ?? []).map((c) => [c.type, c]));
  const out: Condition[] = next.map((c) => {
    const before = prev.get(c.type);
    const lastTransitionTime = before && before.status === c.status ? before.lastTransitionTime : now.toISOString().replace(/\.\d{3}Z$/, "Z");
    return { ...c, lastTransitionTime, ...(generation !== undefined ? { observedGeneration: generation } : {}) };
  });
  for (const c of previous ?? []) if (!next.some((n) => n.type === c.type)) out.push(c);
  return out;
}

/** Conditions whose status or reason changed (or that are new): each is worth one Kubernetes Event. */
export function changedConditions(previous: Condition[] | undefined, next: Condition[]): { before: Condition | undefined; after: Condition }[] {
  const prev = new Map((previous ?? []).map((c) => [c.type, c]));
  return next.filter((c) => {
    const b = prev.get(c.type);
    return !b || b.status !== c.status || b.reason !== c.reason;
  }).map((after) => ({ before: prev.get(after.type), after }));
}

export function conditionOf(conds: Condition[] | undefined, type: string): Condition | undefined {
  return conds?.find((c) => c.type === type);
}
