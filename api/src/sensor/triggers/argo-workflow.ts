// Schema of `template.argoWorkflow`: submit, submit-from, resubmit, retry, resume, suspend, terminate or stop an Argo Workflow (Argo's ArgoWorkflowTrigger).
import { z } from "zod";
import { TriggerParameter } from "../parameters.js";
import { ARGO_WORKFLOW_OPERATIONS, parseArgoWorkflowArgs } from "./argo-workflow-args.js";
import { K8sSource } from "./sources/index.js";

export * from "./argo-workflow-args.js";

export const ArgoWorkflowTriggerTemplate = z
  .strictObject({
    source: K8sSource.describe(
      "The Workflow to submit; for submit-from the WorkflowTemplate, ClusterWorkflowTemplate or CronWorkflow; for the other operations an object naming the Workflow (metadata.name).",
    ),
    operation: z
      .enum(ARGO_WORKFLOW_OPERATIONS)
      .optional()
      .describe("submit (default), submit-from, resubmit, retry, resume, suspend, terminate or stop: the argo CLI command of the same name."),
    parameters: z.array(TriggerParameter).optional().describe("Parameters applied to the source object (dest is a path into it, e.g. spec.arguments.parameters.0.value)."),
    args: z
      .array(z.string())
      .optional()
      .describe("argo CLI flags, e.g. [\"--entrypoint\", \"main\", \"-p\", \"message=hi\"]; each is mapped to what the CLI does, and flags Impulse cannot honour are refused at lint."),
  })
  .superRefine((t, ctx) => {
    const { problems } = parseArgoWorkflowArgs(t.operation ?? "submit", t.args);
    for (const p of problems) ctx.addIssue({ code: "custom", path: ["args", p.index < 0 ? 0 : p.index], message: p.message });
  })
  .describe("Submits an Argo Workflow, or acts on one, through the Kubernetes API (what `argo <operation>` does).");
export type ArgoWorkflowTriggerTemplate = z.output<typeof ArgoWorkflowTriggerTemplate>;
