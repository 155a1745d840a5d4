// Writes status (conditions, observedGeneration, kind fields) through the status subresource, with an Event per Ready change.
import type { Finding } from "@impulse/api";
import type { CustomResource } from "../builders/types.js";
import { changedConditions, conditionOf, mergeConditions, READY, type Condition, type ConditionInput } from "../conditions.js";
import { pathFor, type Obj } from "../kube/client.js";
import { canonicalJson } from "../meta.js";
import type { ReconcileContext } from "./context.js";

/** Reasons that mean "someone must act": their Ready=False Events are Warnings, and a new message is a new Event. */
export const PROBLEM_REASONS = new Set(["InvalidSpec", "PodTemplateNotAllowed", "EventBusNotFound", "ReconcileFailed"]);

/** Status fields the controller owns besides conditions (kept as they were when a reconcile does not recompute them). */
const OWN_FIELDS = ["config", "sourceTypes", "dependencyCount", "triggerCount"];

export function findingsMessage(findings: Finding[]): string {
  const text = findings.map((f) => `${f.path}: ${f.message}`).join("; ");
  return text.length > 1000 ? `${text.slice(0, 997)}...` : text;
}

export async function writeStatus(ctx: ReconcileContext, cr: CustomResource, conditions: ConditionInput[], fields: Record<string, unknown> = {}): Promise<void> {
  const current = (cr.status ?? {}) as Record<string, unknown> & { conditions?: Condition[] };
  const merged = mergeConditions(current.conditions, conditions, cr.metadata.generation, ctx.now());
  const kept = Object.fromEntries(OWN_FIELDS.filter((f) => current[f] !== undefined).map((f) => [f, current[f]]));
  const status: Record<string, unknown> = { ...kept, ...fields, conditions: merged };
  if (cr.metadata.generation !== undefined) status["observedGeneration"] = cr.metadata.generation;
  const before = { ...kept, conditions: current.conditions, ...(current["observedGeneration"] !== undefined ? { observedGeneration: current["observedGeneration"] } : {}) };
  if (canonicalJson(before) !== canonicalJson(status)) {
    const updated = await ctx.kube.apply<CustomResource>(pathFor(cr.kind, cr.metadata.namespace, cr.metadata.name, "status"), {
      apiVersion: cr.apiVersion,
      kind: cr.kind,
      metadata: { name: cr.metadata.name, namespace: cr.metadata.namespace },
      status,
    });
    cr.metadata.resourceVersion = updated.metadata.resourceVersion;
  }
  await readyEvents(ctx, cr, current.conditions, merged);
  cr.status = status;
}

async function readyEvents(ctx: ReconcileContext, cr: CustomResource, before: Condition[] | undefined, after: Condition[]): Promise<void> {
  const prev = conditionOf(before, READY);
  const next = conditionOf(after, READY);
  if (!next) return;
  const changed = changedConditions(before, after).some((c) => c.after.type === READY);
  const newProblem = next.status !== "True" && PROBLEM_REASONS.has(next.reason) && prev?.message !== next.message;
  if (!changed && !newProblem) return;
  const warning = next.status !== "True" && (PROBLEM_REASONS.has(next.reason) || prev?.status === "True");
  const message = next.status === "True" ? `${cr.kind} is ready: ${next.message}` : next.message;
  await ctx.recorder.record(cr, warning ? "Warning" : "Normal", next.reason, message);
}

/** Available from a Deployment's or StatefulSet's status, once its controller observed the current generation. */
export function availability(workload: Obj | undefined, replicas: number, noun: string): ConditionInput {
  const type = "Available";
  if (!workload) return { type, status: "False", reason: "Progressing", message: `${noun} does not exist yet` };
  const st = (workload["status"] ?? {}) as { observedGeneration?: number; availableReplicas?: number; readyReplicas?: number };
  const name = `${noun} ${workload.metadata.name}`;
  if ((st.observedGeneration ?? 0) < (workload.metadata.generation ?? 0))
    return { type, status: "False", reason: "Progressing", message: `${name}: waiting for generation ${workload.metadata.generation} to roll out` };
  if (replicas === 0) return { type, status: "True", reason: "ScaledToZero", message: `${name} is scaled to 0 replicas` };
  const ready = (noun === "StatefulSet" ? st.readyReplicas : st.availableReplicas) ?? 0;
  const text = `${ready}/${replicas} replicas available`;
  return ready >= replicas ? { type, status: "True", reason: "Available", message: `${name}: ${text}` } : { type, status: "False", reason: "Progressing", message: `${name}: ${text}` };
}
