// Builds the Workflow `argo resubmit` creates from an earlier one (Argo's FormulateResubmitWorkflow), memoized mode included.
import { ErrorCodes, ImpulseError } from "@impulse/api";
import {
  argoNow, failedOrError, LABEL_ARCHIVING, LABEL_COMPLETED, LABEL_CREATORS, LABEL_PHASE, LABEL_RESUBMITTED_FROM, nodeId, overrideParameters, type NodeStatus, type Workflow,
} from "./workflow.js";

const DROPPED_LABELS = new Set([...LABEL_CREATORS, LABEL_PHASE, LABEL_COMPLETED, LABEL_ARCHIVING]);

/** A random suffix as the API server's generateName makes (5 lowercase alphanumerics). */
export function randSuffix(): string {
  const a = "bcdfghjklmnpqrstvwxz2456789";
  return Array.from({ length: 5 }, () => a[Math.floor(Math.random() * a.length)]).join("");
}

function hasSucceededDescendant(old: Workflow, node: NodeStatus): boolean {
  for (const c of node.children ?? []) {
    const child = old.status?.nodes?.[c];
    if (!child) throw new ImpulseError(ErrorCodes.TriggerFailed, `resubmit: node ${node.id} names child ${c}, which the workflow does not have`);
    if (child.phase === "Succeeded" || hasSucceededDescendant(old, child)) return true;
  }
  return false;
}

export function formulateResubmit(old: Workflow, memoized: boolean, parameters: { name: string; value: string }[] | undefined, suffix = randSuffix()): Workflow {
  const oldName = old.metadata.name ?? "";
  const generateName = old.metadata.generateName || `${oldName}-`;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(old.metadata.labels ?? {})) if (!DROPPED_LABELS.has(k)) labels[k] = v;
  labels[LABEL_RESUBMITTED_FROM] = oldName;
  const spec = structuredClone(old.spec);
  if (spec.activeDeadlineSeconds === 0) delete spec.activeDeadlineSeconds; // it was terminated
  delete spec.shutdown;
  const wf: Workflow = {
    apiVersion: old.apiVersion,
    kind: old.kind,
    metadata: {
      generateName,
      labels,
      annotations: { ...(old.metadata.annotations ?? {}) },
      ...(old.metadata.ownerReferences?.length ? { ownerReferences: structuredClone(old.metadata.ownerReferences) } : {}),
    },
    spec,
  };
  if (memoized) {
    if (!failedOrError(old.status?.phase)) throw new ImpulseError(ErrorCodes.TriggerFailed, `resubmit --memoized: workflow ${oldName} must be Failed or Error, it is ${old.status?.phase || "not finished"}`);
    // A fixed name: the node ids of the new workflow derive from it.
    wf.metadata.name = generateName + suffix;
  }
  overrideParameters(wf, parameters);
  if (!memoized) return wf;

  const newName = wf.metadata.name!;
  const rename = (n: string) => (n.startsWith(oldName) ? newName + n.slice(oldName.length) : n);
  const oldNodes = old.status?.nodes ?? {};
  const convertId = (id: string) => nodeId(newName, rename(oldNodes[id]?.name ?? ""));
  const now = argoNow();
  const nodes: Record<string, NodeStatus> = {};
  for (const node of Object.values(oldNodes)) {
    if (node.name.startsWith(`${oldName}.onExit`)) continue;
    const n: NodeStatus = structuredClone(node);
    n.name = rename(node.name);
    n.id = nodeId(newName, n.name);
    if (node.boundaryID) n.boundaryID = convertId(node.boundaryID);
    if (failedOrError(n.phase) && n.type === "Pod") {
      n.startedAt = null;
      n.finishedAt = null;
    } else {
      n.startedAt = now;
      n.finishedAt = now;
    }
    n.children = (node.children ?? []).map(convertId);
    n.outboundNodes = (node.outboundNodes ?? []).map(convertId);
    if (!failedOrError(n.phase) && n.type === "Pod") {
      n.phase = "Skipped";
      n.type = "Skipped";
      n.message = `original pod: ${node.id}`;
    } else if (n.type === "Skipped" && !hasSucceededDescendant(old, node)) {
      delete nodes[n.id];
      continue;
    } else {
      n.phase = "Pending";
      delete n.message;
    }
    nodes[n.id] = n;
  }
  wf.status = {
    nodes,
    ...(old.status?.["storedTemplates"] ? { storedTemplates: structuredClone(old.status["storedTemplates"]) } : {}),
    conditions: [{ status: "False", type: "Completed" }],
    phase: "",
  };
  return wf;
}
