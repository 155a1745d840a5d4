// The argoWorkflow trigger's operations against the Kubernetes API: what each `argo <operation>` writes, done directly.
import { gunzipSync } from "node:zlib";
import { ErrorCodes, ImpulseError, type ArgoWorkflowOperation, type ArgoWorkflowOptions } from "@impulse/api";
import { KubeApiError, type KubeClient, type KubeObject, type ResourceInfo } from "../k8s/client.js";
import { create, type Target } from "../k8s/operations.js";
import { matchesNode, parseNodeSelector } from "./node-selector.js";
import { formulateResubmit } from "./resubmit.js";
import { formulateRetry } from "./retry.js";
import { applySubmitOptions, asWorkflow, fromKind, workflowFromCron, workflowFromTemplate } from "./submit.js";
import { argoNow, GROUP_VERSION, isActiveSuspendNode, LABEL_COMPLETED, withCreator, LABEL_INSTANCE_ID, workflowCompleted, type Workflow } from "./workflow.js";

/** Marks a Workflow an update operation already changed for this firing: a redelivery does not do it twice. */
export const ANNOTATION_LAST_FIRING = "impulse.dev/last-firing";

export type ArgoAction = "submitted" | "found-existing" | "resubmitted" | "retried" | "resumed" | "suspended" | "terminated" | "stopped" | "already-done";

export interface ArgoResult {
  action: ArgoAction;
  operation: ArgoWorkflowOperation;
  namespace: string;
  /** The Workflow created or acted on. */
  name: string;
  policy?: { satisfied: boolean; missing: string[] };
}

/** Who the sensor is, as the argo CLI labels what it creates (workflows.argoproj.io/creator) and words "Resumed by". */
export interface Caller {
  labels: Record<string, string>;
  /** Go's fmt of the CLI's user-info map, e.g. "map[User:system:serviceaccount:ns:sa]"; undefined when unknown. */
  userInfo: string | undefined;
}

export interface OperationContext {
  client: KubeClient;
  workflows: ResourceInfo;
  namespace: string;
  options: ArgoWorkflowOptions;
  /** Labels for Workflows the trigger creates (sensor, trigger, timestamp, idempotency key). */
  labels: Record<string, string>;
  /** Annotations for Workflows the trigger creates (the firing's trace context). */
  annotations?: Record<string, string>;
  caller: () => Promise<Caller>;
}

const fail = (m: string) => new ImpulseError(ErrorCodes.TriggerFailed, m);

/** The server's instance-id check: a Workflow of another controller instance is not touched. */
function checkInstance(wf: Workflow, instanceId: string | undefined): void {
  const has = wf.metadata.labels?.[LABEL_INSTANCE_ID];
  if (instanceId ? has === instanceId : has === undefined) return;
  throw fail(`Workflow ${wf.metadata.name} is not managed by controller instance ${instanceId ? `"${instanceId}"` : "(none)"} (label ${LABEL_INSTANCE_ID}=${has ?? ""}); set --instanceid in args`);
}

/** Node status an Argo controller compressed or offloaded: compressed is read here, offloaded needs Argo's database. */
function hydrate(wf: Workflow): Workflow {
  const s = wf.status;
  if (s?.offloadNodeStatusVersion) throw fail(`Workflow ${wf.metadata.name}: its node status is offloaded to Argo's database, which Impulse cannot read`);
  if (s?.compressedNodes) {
    s.nodes = JSON.parse(gunzipSync(Buffer.from(s.compressedNodes, "base64")).toString("utf8"));
    delete s.compressedNodes;
  }
  return wf;
}

async function read(c: OperationContext, name: string): Promise<Workflow> {
  const wf = await c.client.request<Workflow>("GET", c.client.path(c.workflows, c.namespace, name), { what: `read Workflow ${c.namespace}/${name}` });
  checkInstance(wf, c.options.instanceId);
  return hydrate(wf);
}

async function createWorkflow(c: OperationContext, wf: Workflow, action: ArgoAction, operation: ArgoWorkflowOperation): Promise<ArgoResult> {
  const caller = await c.caller();
  const target: Target = { client: c.client, resource: c.workflows, namespace: c.namespace, labels: { ...c.labels } };
  // Resubmit carries the old Workflow's labels minus its creator's (formulateResubmit); then, like a submit, the caller's.
  const body = operation === "resubmit" ? withCreator(wf, caller.labels) : applySubmitOptions(wf, c.options, caller.labels);
  if (c.annotations && Object.keys(c.annotations).length) body.metadata.annotations = { ...(body.metadata.annotations ?? {}), ...c.annotations };
  const out = await create(target, body);
  return { action: out.action === "found-existing" ? "found-existing" : action, operation, namespace: c.namespace, name: out.name };
}

/**
 * Writes a changed Workflow back with the firing's mark; on 409 Conflict reads and changes it again (as the CLI's
 * retry loop does). `change` returns false when there is nothing to do.
 */
async function updateLoop(c: OperationContext, name: string, key: string, change: (wf: Workflow) => Promise<boolean> | boolean): Promise<"changed" | "already-done"> {
  for (let attempt = 0; ; attempt++) {
    const wf = await read(c, name);
    if (wf.metadata.annotations?.[ANNOTATION_LAST_FIRING] === key) return "already-done";
    if (!(await change(wf))) return "already-done";
    wf.metadata.annotations = { ...(wf.metadata.annotations ?? {}), [ANNOTATION_LAST_FIRING]: key };
    try {
      await c.client.request("PUT", c.client.path(c.workflows, c.namespace, name), { body: wf, what: `update Workflow ${c.namespace}/${name}` });
      return "changed";
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 409) || attempt >= 4) throw e;
    }
  }
}

export async function submit(c: OperationContext, source: KubeObject): Promise<ArgoResult> {
  return createWorkflow(c, asWorkflow(source), "submitted", "submit");
}

export async function submitFrom(c: OperationContext, source: KubeObject): Promise<ArgoResult> {
  const kind = fromKind(source.kind);
  const name = source.metadata.name;
  if (!name) throw new ImpulseError(ErrorCodes.InvalidSpec, `submit-from needs the ${kind}'s metadata.name in the source`);
  const plural = kind === "CronWorkflow" ? "cronworkflows" : kind === "WorkflowTemplate" ? "workflowtemplates" : "clusterworkflowtemplates";
  const path = `/apis/${GROUP_VERSION}${kind === "ClusterWorkflowTemplate" ? "" : `/namespaces/${encodeURIComponent(c.namespace)}`}/${plural}/${encodeURIComponent(name)}`;
  // Read even for templates: a missing template fails the firing here, as the CLI's validation does, not later in the controller.
  const from = await c.client.request<KubeObject>("GET", path, { what: `read ${kind} ${name}` });
  const wf = kind === "CronWorkflow" ? workflowFromCron(from as Parameters<typeof workflowFromCron>[0], new Date()) : workflowFromTemplate(name, kind === "ClusterWorkflowTemplate");
  return createWorkflow(c, wf, "submitted", "submit-from");
}

export async function resubmit(c: OperationContext, name: string, key: string): Promise<ArgoResult> {
  const old = await read(c, name);
  // Memoized mode needs a fixed name: derived from the firing's key, a redelivery finds the Workflow it created.
  const suffix = key.replace(/[^a-z0-9]/g, "").slice(0, 5).padEnd(5, "0");
  return createWorkflow(c, formulateResubmit(old, c.options.memoized === true, c.options.parameters, suffix), "resubmitted", "resubmit");
}

export async function retry(c: OperationContext, name: string, key: string): Promise<ArgoResult> {
  let pods: string[] = [];
  const done = await updateLoop(c, name, key, (wf) => {
    const r = formulateRetry(wf, c.options);
    pods = r.podsToDelete;
    Object.assign(wf, r.workflow);
    return true;
  });
  // After the write: the mark makes a redelivery skip the retry, while pods of a retry not written yet are not lost.
  for (const pod of done === "changed" ? pods : []) {
    try {
      await c.client.request("DELETE", `/api/v1/namespaces/${encodeURIComponent(c.namespace)}/pods/${encodeURIComponent(pod)}`, { what: `delete pod ${pod}` });
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 404)) throw e;
    }
  }
  return { action: done === "changed" ? "retried" : "already-done", operation: "retry", namespace: c.namespace, name };
}

export async function suspend(c: OperationContext, name: string, key: string): Promise<ArgoResult> {
  const done = await updateLoop(c, name, key, (wf) => {
    if (wf.metadata.labels?.[LABEL_COMPLETED] === "true") throw fail(`cannot suspend Workflow ${name}: it has completed`);
    if (wf.spec.suspend === true) return false;
    wf.spec.suspend = true;
    return true;
  });
  return { action: done === "changed" ? "suspended" : "already-done", operation: "suspend", namespace: c.namespace, name };
}

/** Resume: clears spec.suspend and marks active suspend nodes (those the selector picks, with one) Succeeded. */
export async function resume(c: OperationContext, name: string, key: string): Promise<ArgoResult> {
  const { userInfo } = await c.caller();
  const selector = c.options.nodeFieldSelector ? parseNodeSelector(c.options.nodeFieldSelector) : undefined;
  const done = await updateLoop(c, name, key, (wf) => {
    let changed = false;
    if (!selector && wf.spec.suspend === true) {
      delete wf.spec.suspend;
      changed = true;
    }
    const ui = userInfo ? `Resumed by: ${userInfo}` : "";
    for (const node of Object.values(wf.status?.nodes ?? {})) {
      if (!isActiveSuspendNode(node) || (selector && !matchesNode(selector, node))) continue;
      if (!selector)
        for (const p of node.outputs?.parameters ?? []) {
          if (!p.valueFrom?.supplied) continue;
          if (p.valueFrom.default === undefined) throw fail(`resume: output parameter ${p.name} of node ${node.displayName ?? node.id} has no value and no default`);
          p.value = p.valueFrom.default;
          delete p.valueFrom;
        }
      node.phase = "Succeeded";
      const message = selector ? ui : node.message ? `${node.message}; ${ui}` : ui;
      if (message) node.message = message;
      else delete node.message;
      node.finishedAt = argoNow();
      changed = true;
    }
    if (selector && !changed) throw fail(`resume: no suspended node of Workflow ${name} matches --node-field-selector ${c.options.nodeFieldSelector}`);
    return changed;
  });
  return { action: done === "changed" ? "resumed" : "already-done", operation: "resume", namespace: c.namespace, name };
}

/** Terminate and stop set spec.shutdown (the controller does the rest); stop with a selector fails matching suspend nodes instead. */
export async function shutdown(c: OperationContext, name: string, strategy: "Terminate" | "Stop", key: string): Promise<ArgoResult> {
  const operation = strategy === "Terminate" ? "terminate" : "stop";
  const action = strategy === "Terminate" ? "terminated" : "stopped";
  if (strategy === "Stop" && c.options.nodeFieldSelector) {
    const selector = parseNodeSelector(c.options.nodeFieldSelector);
    const done = await updateLoop(c, name, key, (wf) => {
      let changed = false;
      for (const node of Object.values(wf.status?.nodes ?? {})) {
        if (!isActiveSuspendNode(node) || !matchesNode(selector, node)) continue;
        node.phase = "Failed";
        node.finishedAt = argoNow();
        if (c.options.message) node.message = c.options.message;
        changed = true;
      }
      if (!changed) throw fail(`stop: no suspended node of Workflow ${name} matches --node-field-selector ${c.options.nodeFieldSelector}`);
      return true;
    });
    return { action: done === "changed" ? action : "already-done", operation, namespace: c.namespace, name };
  }
  const wf = await read(c, name);
  if (wf.spec.shutdown === strategy) return { action: "already-done", operation, namespace: c.namespace, name };
  if (workflowCompleted(wf.status?.phase)) throw fail(`cannot ${operation} Workflow ${c.namespace}/${name}: it has completed (${wf.status?.phase})`);
  // A merge patch of spec.shutdown alone, as the CLI sends: it never conflicts with the controller's writes.
  await c.client.request("PATCH", c.client.path(c.workflows, c.namespace, name), {
    body: { spec: { shutdown: strategy } },
    contentType: "application/merge-patch+json",
    what: `${operation} Workflow ${c.namespace}/${name}`,
  });
  return { action, operation, namespace: c.namespace, name };
}

