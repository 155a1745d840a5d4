// The argoWorkflow trigger: the argo CLI's eight operations on Workflows, done through the Kubernetes API; policy.k8s waits for labels.
import { ArgoWorkflowTriggerTemplate, ErrorCodes, ImpulseError, parseArgoWorkflowArgs, type K8sTriggerPolicy } from "@impulse/api";
import { defineTrigger } from "../define.js";
import { KubeClient } from "../k8s/client.js";
import { asKubeObject, creationLabels, loadSource } from "../k8s/object.js";
import { readS3Source } from "../k8s/source-s3.js";
import { applyParameters } from "../../params/apply.js";
import { waitForLabels } from "../k8s/policy.js";
import { previewObject } from "../k8s/index.js";
import { callerFrom } from "./caller.js";
import { resubmit, resume, retry, shutdown, submit, submitFrom, suspend, type ArgoResult, type Caller, type OperationContext } from "./operations.js";
import { GROUP_VERSION } from "./workflow.js";

export type { ArgoResult } from "./operations.js";

export const argoWorkflow = defineTrigger({
  type: "argoWorkflow",
  templateSchema: ArgoWorkflowTriggerTemplate,
  hasPayload: false,
  resourceParameters: true,
  create(ctx) {
    let client: KubeClient | undefined;
    let caller: Caller | undefined;
    // Loaded at the first firing, as for the k8s trigger: a broken kubeconfig is reported per firing.
    const kube = (): KubeClient => {
      if (!client) {
        try {
          const kc = ctx.kubeConfig();
          client = new KubeClient(kc, ctx.signal);
          caller = callerFrom(kc);
        } catch (e) {
          throw new ImpulseError(ErrorCodes.TriggerFailed, `argoWorkflow trigger: ${(e as Error).message}`, { cause: e });
        }
      }
      return client;
    };
    const policy = ctx.policy?.k8s as K8sTriggerPolicy | undefined;
    return {
      async execute({ template: t, events, idempotencyKey, logger }, signal): Promise<ArgoResult> {
        const c = kube();
        const operation = t.operation ?? "submit";
        // Checked at compile time too; parsed again here because parameters may not touch args, but the template is all we get.
        const { options, problems } = parseArgoWorkflowArgs(operation, t.args);
        if (problems.length) throw new ImpulseError(ErrorCodes.InvalidSpec, `args: ${problems.map((p) => p.message).join("; ")}`);
        // Argo: the object's namespace, else the Sensor's; -n in args wins, as it does for the CLI.
        const sensorNamespace = ctx.sensorNamespace ?? c.contextNamespace ?? "default";
        const loaded = await loadSource(t.source, kube, sensorNamespace, (s3) => readS3Source(s3, ctx.secrets, ctx.template?.argoWorkflow?.source?.s3));
        const obj = t.parameters?.length ? asKubeObject(applyParameters(loaded, t.parameters, events), "the object after parameters") : loaded;
        const namespace = options.namespace || obj.metadata.namespace || sensorNamespace;
        const workflows = await c.resourceFor(GROUP_VERSION, "Workflow");
        const oc: OperationContext = {
          client: c,
          workflows,
          namespace,
          options,
          labels: creationLabels(ctx.sensorName, ctx.triggerName, idempotencyKey),
          caller: async () => caller!,
        };
        const name = obj.metadata.name;
        const needName = (): string => {
          if (name) return name;
          throw new ImpulseError(ErrorCodes.InvalidSpec, `operation ${operation} needs the Workflow's metadata.name in the source`);
        };
        const out =
          operation === "submit" ? await submit(oc, obj)
          : operation === "submit-from" ? await submitFrom(oc, obj)
          : operation === "resubmit" ? await resubmit(oc, needName(), idempotencyKey)
          : operation === "retry" ? await retry(oc, needName(), idempotencyKey)
          : operation === "resume" ? await resume(oc, needName(), idempotencyKey)
          : operation === "suspend" ? await suspend(oc, needName(), idempotencyKey)
          : operation === "terminate" ? await shutdown(oc, needName(), "Terminate", idempotencyKey)
          : await shutdown(oc, needName(), "Stop", idempotencyKey);
        if (policy) {
          out.policy = await waitForLabels(c, workflows, namespace, out.name, policy, signal);
          if (!out.policy.satisfied && !policy.errorOnBackoffTimeout)
            logger.warn({ workflow: `${namespace}/${out.name}`, missing: out.policy.missing }, "policy.k8s: labels did not appear in time; counted as success (errorOnBackoffTimeout is off)");
        }
        return out;
      },
    };
  },
  applyPolicy(result, policy) {
    if (result.policy && !result.policy.satisfied && policy?.k8s?.errorOnBackoffTimeout)
      throw new ImpulseError(ErrorCodes.TriggerPolicyViolated, `policy.k8s: Workflow ${result.namespace}/${result.name} did not get label(s) ${result.policy.missing.join(", ")} in time`);
  },
  describe: (r) => `${r.operation}: ${r.action} Workflow ${r.namespace}/${r.name}`,
  previewResource: (template, events) => previewObject(template, events),
});
