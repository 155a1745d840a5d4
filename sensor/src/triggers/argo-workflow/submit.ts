// Builds the Workflow `argo submit` / `argo submit --from` creates: from a Workflow, a (Cluster)WorkflowTemplate or a CronWorkflow, with the CLI's options applied.
import { ErrorCodes, ImpulseError, type ArgoWorkflowOptions } from "@impulse/api";
import {
  ANNOTATION_SCHEDULED_TIME, GROUP_VERSION, LABEL_CLUSTER_WORKFLOW_TEMPLATE, LABEL_CRON_WORKFLOW, LABEL_INSTANCE_ID, LABEL_WORKFLOW_TEMPLATE, overrideParameters, withCreator, type Workflow,
} from "./workflow.js";
import type { KubeObject } from "../k8s/client.js";

const invalid = (m: string) => new ImpulseError(ErrorCodes.InvalidSpec, m);

/** The kinds `submit --from` takes, by every spelling the CLI accepts. */
const FROM_KINDS: Record<string, "CronWorkflow" | "WorkflowTemplate" | "ClusterWorkflowTemplate"> = {
  cronworkflow: "CronWorkflow", cronworkflows: "CronWorkflow", cronwf: "CronWorkflow",
  workflowtemplate: "WorkflowTemplate", workflowtemplates: "WorkflowTemplate", wftmpl: "WorkflowTemplate",
  clusterworkflowtemplate: "ClusterWorkflowTemplate", clusterworkflowtemplates: "ClusterWorkflowTemplate", cwftmpl: "ClusterWorkflowTemplate",
};

export function fromKind(kind: string): "CronWorkflow" | "WorkflowTemplate" | "ClusterWorkflowTemplate" {
  const k = FROM_KINDS[kind.toLowerCase()];
  if (!k) throw invalid(`submit-from: source kind ${kind} cannot be submitted (use a WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow)`);
  return k;
}

/** The Workflow as the source gave it (after parameters); only kind Workflow can be submitted. */
export function asWorkflow(obj: KubeObject): Workflow {
  if (obj.kind !== "Workflow") throw invalid(`submit: the source is a ${obj.kind}; submit takes a Workflow (use operation submit-from for templates and CronWorkflows)`);
  if (obj.apiVersion !== GROUP_VERSION) throw invalid(`submit: apiVersion must be ${GROUP_VERSION}, got ${obj.apiVersion}`);
  const wf = structuredClone(obj) as Workflow;
  if (typeof wf.spec !== "object" || wf.spec === null) throw invalid("submit: the Workflow has no spec");
  return wf;
}

/** What common.NewWorkflowFromWorkflowTemplate builds: a reference to the template, labelled with its name. */
export function workflowFromTemplate(name: string, clusterScope: boolean): Workflow {
  return {
    apiVersion: GROUP_VERSION,
    kind: "Workflow",
    metadata: { generateName: `${name}-`, labels: { [clusterScope ? LABEL_CLUSTER_WORKFLOW_TEMPLATE : LABEL_WORKFLOW_TEMPLATE]: name }, annotations: {} },
    spec: { workflowTemplateRef: { name, ...(clusterScope ? { clusterScope: true } : {}) } },
  };
}

interface CronWorkflow extends KubeObject {
  metadata: KubeObject["metadata"] & { uid?: string };
  spec: { workflowSpec?: Record<string, unknown>; workflowMetadata?: { labels?: Record<string, string>; annotations?: Record<string, string>; finalizers?: string[] } };
}

/** What common.ConvertCronWorkflowToWorkflow builds: the CronWorkflow's workflowSpec, owned by it, stamped with the time. */
export function workflowFromCron(cron: CronWorkflow, now: Date): Workflow {
  const name = cron.metadata.name ?? "";
  const meta = cron.spec.workflowMetadata;
  const labels: Record<string, string> = {};
  const instance = cron.metadata.labels?.[LABEL_INSTANCE_ID];
  if (instance !== undefined) labels[LABEL_INSTANCE_ID] = instance;
  labels[LABEL_CRON_WORKFLOW] = name;
  Object.assign(labels, meta?.labels ?? {});
  return {
    apiVersion: cron.apiVersion,
    kind: "Workflow",
    metadata: {
      generateName: `${name}-`,
      labels,
      annotations: { [ANNOTATION_SCHEDULED_TIME]: now.toISOString().replace(/\.\d{3}Z$/, "Z"), ...(meta?.annotations ?? {}) },
      ...(meta?.finalizers?.length ? { finalizers: [...meta.finalizers] } : {}),
      ownerReferences: [{ apiVersion: GROUP_VERSION, kind: "CronWorkflow", name, uid: cron.metadata.uid, controller: true, blockOwnerDeletion: true }],
    },
    spec: structuredClone(cron.spec.workflowSpec ?? {}),
  };
}

/**
 * The CLI's submit options (util.ApplySubmitOpts) and the server's labels: the controller instance id is set or
 * removed, creator labels are set from the caller's identity (or removed when it has none).
 */
export function applySubmitOptions(wf: Workflow, o: ArgoWorkflowOptions, creator: Record<string, string>): Workflow {
  if (o.entrypoint) wf.spec["entrypoint"] = o.entrypoint;
  if (o.serviceAccount) wf.spec["serviceAccountName"] = o.serviceAccount;
  if (o.priority !== undefined) wf.spec["priority"] = o.priority;
  const labels = { ...(wf.metadata.labels ?? {}), ...(o.labels ?? {}) };
  if (o.instanceId) labels[LABEL_INSTANCE_ID] = o.instanceId;
  else delete labels[LABEL_INSTANCE_ID];
  wf.metadata.labels = labels;
  withCreator(wf, creator);
  if (o.scheduledTime) wf.metadata.annotations = { ...(wf.metadata.annotations ?? {}), [ANNOTATION_SCHEDULED_TIME]: o.scheduledTime };
  overrideParameters(wf, o.parameters);
  if (o.generateName) wf.metadata.generateName = o.generateName;
  if (o.name) wf.metadata.name = o.name;
  return wf;
}
