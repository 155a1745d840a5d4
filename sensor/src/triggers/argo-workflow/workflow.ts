// Argo Workflows' object model as the argoWorkflow trigger needs it: label keys, node ids, pod names, phase tests.
import type { KubeObject } from "../k8s/client.js";

export const GROUP_VERSION = "argoproj.io/v1alpha1";
const W = "workflows.argoproj.io";
export const LABEL_COMPLETED = `${W}/completed`;
export const LABEL_PHASE = `${W}/phase`;
export const LABEL_ARCHIVING = `${W}/workflow-archiving-status`;
export const LABEL_CREATORS = [`${W}/creator`, `${W}/creator-email`, `${W}/creator-preferred-username`];
export const LABEL_RESUBMITTED_FROM = `${W}/resubmitted-from-workflow`;
export const LABEL_CRON_WORKFLOW = `${W}/cron-workflow`;
export const LABEL_WORKFLOW_TEMPLATE = `${W}/workflow-template`;
export const LABEL_CLUSTER_WORKFLOW_TEMPLATE = `${W}/cluster-workflow-template`;
export const LABEL_INSTANCE_ID = `${W}/controller-instanceid`;
export const ANNOTATION_SCHEDULED_TIME = `${W}/scheduled-time`;
export const ANNOTATION_POD_NAME_FORMAT = `${W}/pod-name-format`;

export interface Parameter {
  name: string;
  value?: string;
  [k: string]: unknown;
}

export interface NodeStatus {
  id: string;
  name: string;
  displayName?: string;
  type: string;
  phase?: string;
  message?: string;
  templateName?: string;
  templateRef?: { name?: string; template?: string };
  boundaryID?: string;
  children?: string[];
  outboundNodes?: string[];
  startedAt?: string | null;
  finishedAt?: string | null;
  inputs?: { parameters?: Parameter[] };
  outputs?: { parameters?: (Parameter & { valueFrom?: { supplied?: unknown; default?: string } | null })[] };
  nodeFlag?: { retried?: boolean };
  [k: string]: unknown;
}

export interface Workflow extends KubeObject {
  metadata: KubeObject["metadata"] & { annotations?: Record<string, string>; ownerReferences?: unknown[]; finalizers?: string[] };
  spec: {
    arguments?: { parameters?: Parameter[] };
    suspend?: boolean | null;
    shutdown?: string;
    activeDeadlineSeconds?: number | null;
    [k: string]: unknown;
  };
  status?: {
    phase?: string;
    nodes?: Record<string, NodeStatus>;
    compressedNodes?: string;
    offloadNodeStatusVersion?: string;
    storedWorkflowTemplateSpec?: { arguments?: { parameters?: Parameter[] }; shutdown?: string; [k: string]: unknown };
    conditions?: { type: string; status: string; [k: string]: unknown }[];
    [k: string]: unknown;
  };
}

/** FNV-1a, 32 bits: Argo's node ids and pod names hash node names with it. */
export function fnv32a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, "utf8")) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** The id Argo gives a node of workflow `wfName` (the root node's id is the workflow name). */
export function nodeId(wfName: string, nodeName: string): string {
  return nodeName === wfName ? wfName : `${wfName}-${fnv32a(nodeName)}`;
}

const MAX_POD_PREFIX = 253 - 10;

/** The pod a Pod node ran in (pod-name-format v2 unless the workflow says v1). */
export function podName(wf: Workflow, node: NodeStatus): string {
  if (wf.metadata.annotations?.[ANNOTATION_POD_NAME_FORMAT] === "v1") return node.id;
  const wfName = wf.metadata.name ?? "";
  if (wfName === node.name) return wfName;
  const template = node.templateRef ? (node.templateRef.template ?? "") : (node.templateName ?? "");
  let prefix = template ? `${wfName}-${template}` : wfName;
  if (prefix.length > MAX_POD_PREFIX - 1) prefix = prefix.slice(0, MAX_POD_PREFIX - 1);
  return `${prefix}-${fnv32a(node.name)}`;
}

export const failedOrError = (phase: string | undefined) => phase === "Failed" || phase === "Error";
/** A workflow phase that will not change any more. */
export const workflowCompleted = (phase: string | undefined) => failedOrError(phase) || phase === "Succeeded";
export const isActiveSuspendNode = (n: NodeStatus) => n.type === "Suspend" && n.phase === "Running";

/** Argo's overrideParameters: given parameters first (in order), then the workflow's others. */
export function overrideParameters(wf: Workflow, parameters: { name: string; value: string }[] | undefined): void {
  if (!parameters?.length) return;
  const given = new Set(parameters.map((p) => p.name));
  const merged: Parameter[] = [...parameters.map((p) => ({ name: p.name, value: p.value })), ...(wf.spec.arguments?.parameters ?? []).filter((p) => !given.has(p.name))];
  wf.spec.arguments = { ...(wf.spec.arguments ?? {}), parameters: merged };
  const stored = wf.status?.storedWorkflowTemplateSpec;
  if (stored) stored.arguments = { ...(stored.arguments ?? {}), parameters: merged };
}

/** Now as Argo writes times (RFC 3339, second precision, UTC). */
export function argoNow(now = Date.now()): string {
  return new Date(Math.floor(now / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** The server's creator labels: the caller's (from its identity), and none of an earlier creator's. */
export function withCreator(wf: Workflow, creator: Record<string, string>): Workflow {
  const labels = { ...(wf.metadata.labels ?? {}) };
  for (const k of LABEL_CREATORS) delete labels[k];
  wf.metadata.labels = { ...labels, ...creator };
  return wf;
}
