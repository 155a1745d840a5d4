// Builds the Workflow `argo retry` writes back (Argo's FormulateRetryWorkflow): failed branches reset, their pods listed for deletion.
import { ErrorCodes, ImpulseError } from "@impulse/api";
import { matchesNode, parseNodeSelector } from "./node-selector.js";
import { argoNow, failedOrError, LABEL_ARCHIVING, LABEL_COMPLETED, LABEL_PHASE, overrideParameters, podName, type NodeStatus, type Workflow } from "./workflow.js";

export interface RetryOptions {
  restartSuccessful?: boolean | undefined;
  nodeFieldSelector?: string | undefined;
  parameters?: { name: string; value: string }[] | undefined;
}

const fail = (m: string) => new ImpulseError(ErrorCodes.TriggerFailed, `retry: ${m}`);
const GROUP_TYPES = new Set(["DAG", "TaskGroup", "StepGroup", "Steps"]);
const EXECUTION_TYPES = new Set(["Container", "Pod", "HTTP", "Plugin"]);

interface DagNode {
  n: NodeStatus;
  parent: DagNode | undefined;
  children: DagNode[];
}

/** Nodes linked to their parent (the first node listing them as a child) and children. */
function buildDag(wfName: string, nodes: Record<string, NodeStatus>): Map<string, DagNode> {
  const dag = new Map<string, DagNode>();
  for (const n of Object.values(nodes)) dag.set(n.id, { n, parent: undefined, children: [] });
  for (const d of dag.values())
    for (const c of d.n.children ?? []) {
      const child = dag.get(c);
      if (!child) throw fail(`node ${d.n.id} names child ${c}, which the workflow does not have`);
      d.children.push(child);
      child.parent ??= d;
    }
  for (const d of dag.values())
    if (!d.parent && d.n.name !== wfName && !d.n.name.startsWith(`${wfName}.onExit`)) throw fail(`node ${d.n.id} has no parent`);
  return dag;
}

function descendants(d: DagNode): Set<string> {
  const out = new Set<string>();
  const queue = [...d.children];
  for (let c = queue.shift(); c; c = queue.shift()) {
    out.add(c.n.id);
    queue.push(...c.children);
  }
  return out;
}

function hasSucceededDescendant(nodes: Record<string, NodeStatus>, node: NodeStatus, toReset: Set<string>): boolean {
  return (node.children ?? []).some((c) => {
    const child = nodes[c];
    if (!child) throw fail(`node ${node.id} names child ${c}, which the workflow does not have`);
    return (!toReset.has(c) && child.phase === "Succeeded") || hasSucceededDescendant(nodes, child, toReset);
  });
}

/** Walks up from `from` (itself included) to the first node matching, resetting it. */
function resetUntil(from: DagNode, match: (d: DagNode) => boolean, reset: Set<string>): DagNode {
  for (let cur: DagNode | undefined = from; cur; cur = cur.parent)
    if (match(cur)) {
      reset.add(cur.n.id);
      return cur;
    }
  throw fail(`no ancestor of node ${from.n.id} matches while resetting`);
}

/** Resets the retry and step-group parents and every boundary up the chain; returns where to continue. */
function resetBoundaries(from: DagNode, reset: Set<string>): DagNode | undefined {
  let cur: DagNode | undefined = from;
  while (cur) {
    if (cur.parent?.n.type === "Retry") {
      reset.add(cur.parent.n.id);
      cur = cur.parent;
    }
    if (cur.parent?.n.type === "StepGroup") reset.add(cur.parent.n.id);
    const boundary = cur.n.boundaryID;
    if (!boundary) return cur.parent;
    cur = resetUntil(cur, (d) => d.n.id === boundary, reset);
  }
  return undefined;
}

/** What to reset and what to delete so that the node `start` runs again. */
function resetPath(root: DagNode, start: DagNode): { reset: Set<string>; remove: Set<string> } {
  const remove = descendants(start);
  remove.add(start.n.id);
  const reset = new Set<string>();
  if (start === root) return { reset, remove };
  let cur: DagNode | undefined = start;
  while (cur) {
    if (GROUP_TYPES.has(cur.n.type)) {
      reset.add(cur.n.id);
      cur = resetBoundaries(cur, reset);
      continue;
    }
    if (cur.n.type === "Retry") reset.add(cur.n.id);
    else if (cur.n.type === "Container") {
      // A container's pod runs again as a whole: reset up to it, then delete it and what it contains.
      const pod = resetUntil(cur, (d) => d.n.type === "Pod", reset);
      remove.add(pod.n.id);
      for (const id of descendants(pod)) remove.add(id);
      cur = pod.parent;
      continue;
    }
    cur = cur.parent;
  }
  return { reset, remove };
}

function resetNode(node: NodeStatus, now: string): NodeStatus {
  const n = structuredClone(node);
  if (n.type === "Suspend" && n.outputs?.parameters)
    n.outputs.parameters = n.outputs.parameters.map((p) => ({ name: p.name, valueFrom: { supplied: {} } }));
  if (n.phase !== "Skipped") n.phase = "Running";
  delete n.message;
  n.startedAt = now;
  n.finishedAt = null;
  return n;
}

/** The retried workflow and the names of the pods to delete before writing it. */
export function formulateRetry(wf: Workflow, o: RetryOptions, now = argoNow()): { workflow: Workflow; podsToDelete: string[] } {
  const name = wf.metadata.name ?? "";
  const phase = wf.status?.phase;
  const selective = o.restartSuccessful === true && !!o.nodeFieldSelector;
  if (phase === "Succeeded" && !selective) throw fail(`workflow ${name} succeeded: retrying it needs --restart-successful and --node-field-selector`);
  if (phase !== "Succeeded" && !failedOrError(phase)) throw fail(`cannot retry workflow ${name} in phase ${phase || "(none: not started)"}`);
  const oldNodes = wf.status?.nodes ?? {};
  const onExit = `${name}.onExit`;

  const out: Workflow = structuredClone(wf);
  const labels = { ...(out.metadata.labels ?? {}) };
  delete labels[LABEL_COMPLETED];
  delete labels[LABEL_ARCHIVING];
  labels[LABEL_PHASE] = "Running";
  out.metadata.labels = labels;
  const status = (out.status ??= {});
  const conditions = (status.conditions ?? []).filter((c) => c.type !== "Completed");
  const at = (status.conditions ?? []).findIndex((c) => c.type === "Completed");
  conditions.splice(at < 0 ? conditions.length : at, 0, { type: "Completed", status: "False" });
  status.conditions = conditions;
  status.phase = "Running";
  status.nodes = {};
  delete status["message"];
  status["startedAt"] = now;
  status["finishedAt"] = null;
  if (status.storedWorkflowTemplateSpec) delete status.storedWorkflowTemplateSpec.shutdown;
  delete out.spec.shutdown;
  delete status["persistentVolumeClaims"];
  if (out.spec.activeDeadlineSeconds === 0) delete out.spec.activeDeadlineSeconds; // it was terminated
  overrideParameters(out, o.parameters);

  const toRestart = new Set<string>();
  if (selective) {
    const terms = parseNodeSelector(o.nodeFieldSelector!);
    for (const n of Object.values(oldNodes)) if (matchesNode(terms, n)) toRestart.add(n.id);
  }
  const failed: string[] = [];
  for (const [id, node] of Object.entries(oldNodes)) {
    if (!failedOrError(node.phase) || !EXECUTION_TYPES.has(node.type)) continue;
    // A failed attempt of a retry node counts through the retry node that holds it.
    const judged = node.nodeFlag?.retried ? (Object.values(oldNodes).find((p) => p.children?.includes(node.id)) ?? node) : node;
    if (!hasSucceededDescendant(oldNodes, judged, toRestart)) failed.push(id);
  }
  for (const id of failed) toRestart.add(id);

  const dag = buildDag(name, oldNodes);
  const root = [...dag.values()].find((d) => d.n.name === name);
  const reset = new Set<string>();
  const remove = new Set<string>();
  if (toRestart.size) {
    if (!root) throw fail(`workflow ${name} has no root node`);
    // Breadth first from the root: a node reset from above is not reset again from below.
    const order: DagNode[] = [];
    for (const queue = [root]; queue.length; ) {
      const d = queue.shift()!;
      order.push(d);
      queue.push(...d.children);
    }
    for (const d of order) {
      if (!toRestart.has(d.n.id) || remove.has(d.n.id)) continue;
      const p = resetPath(root, d);
      for (const id of p.reset) reset.add(id);
      for (const id of p.remove) remove.add(id);
    }
  }
  for (const id of reset) if (!remove.has(id) && oldNodes[id]) status.nodes[id] = resetNode(oldNodes[id]!, now);

  const pods: string[] = [];
  const addPod = (n: NodeStatus) => {
    const p = podName(wf, n);
    if (!pods.includes(p)) pods.push(p);
  };
  for (const id of remove) if (oldNodes[id]?.type === "Pod") addPod(oldNodes[id]!);
  for (const [id, n] of Object.entries(oldNodes)) {
    const drop = remove.has(id) || n.name.startsWith(onExit);
    if (!status.nodes[id] && !drop) status.nodes[id] = structuredClone(n);
    if (n.name === onExit) for (const q = [n]; q.length; ) {
      const c = q.shift()!;
      addPod(c);
      for (const k of c.children ?? []) if (oldNodes[k]) q.push(oldNodes[k]!);
    }
  }
  for (const [id, n] of Object.entries(status.nodes)) {
    const old = oldNodes[id]!;
    n.children = (old.children ?? []).filter((c) => !remove.has(c));
    n.outboundNodes = (old.outboundNodes ?? []).filter((c) => !remove.has(c));
    if (!n.children.length) delete n.children;
    if (!n.outboundNodes.length) delete n.outboundNodes;
  }
  return { workflow: out, podsToDelete: pods };
}
