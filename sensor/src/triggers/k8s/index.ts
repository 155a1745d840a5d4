// The k8s trigger: creates, updates, patches or deletes any Kubernetes object per firing; policy.k8s waits for labels.
import { ErrorCodes, ImpulseError, K8sTriggerTemplate, type K8sTriggerPolicy } from "@impulse/api";
import { defineTrigger } from "../define.js";
import { KubeClient } from "./client.js";
import { asKubeObject, creationLabels, loadSource, withParameters } from "./object.js";
import { create, patch, remove, update, type K8sResult, type Target } from "./operations.js";
import { waitForLabels } from "./policy.js";
import { readS3Source } from "./source-s3.js";
import type { FiredEvents } from "../../params/resolve.js";
import { applyParameters } from "../../params/apply.js";

export type { K8sResult } from "./operations.js";

export const k8s = defineTrigger({
  type: "k8s",
  templateSchema: K8sTriggerTemplate,
  hasPayload: false,
  resourceParameters: true,
  create(ctx) {
    let client: KubeClient | undefined;
    // Loaded at the first firing: a sensor without k8s triggers needs no cluster, and a broken kubeconfig is reported per firing.
    const kube = (): KubeClient => {
      if (!client) {
        try {
          client = new KubeClient(ctx.kubeConfig(), ctx.signal);
        } catch (e) {
          throw new ImpulseError(ErrorCodes.TriggerFailed, `k8s trigger: ${(e as Error).message}`, { cause: e });
        }
      }
      return client;
    };
    const policy = ctx.policy?.k8s as K8sTriggerPolicy | undefined;
    return {
      async execute({ template: t, events, idempotencyKey, logger }, signal): Promise<K8sResult> {
        const c = kube();
        // Argo: the Sensor's namespace. Run outside a cluster without one, the kubeconfig context's, then "default".
        const sensorNamespace = ctx.sensorNamespace ?? c.contextNamespace ?? "default";
        const operation = t.operation ?? "create";
        let obj = await loadSource(t.source, kube, sensorNamespace, (s3) => readS3Source(s3, ctx.secrets, ctx.template?.k8s?.source?.s3));
        const resource = await c.resourceFor(obj.apiVersion, obj.kind);
        const namespace = resource.namespaced ? obj.metadata.namespace || sensorNamespace : undefined;
        if (t.liveObject) {
          // Start from the object as it is now; parameters then change it (Argo's liveObject for update).
          const name = withParameters(obj, t, events).metadata.name;
          if (!name) throw new ImpulseError(ErrorCodes.InvalidSpec, "liveObject needs metadata.name in the source");
          obj = asKubeObject(await c.request("GET", c.path(resource, namespace, name), { what: `read live ${obj.kind} ${name}` }), "the live object");
        }
        obj = withParameters(obj, t, events);
        const target: Target = { client: c, resource, namespace, labels: creationLabels(ctx.sensorName, ctx.triggerName, idempotencyKey) };
        const out =
          operation === "create" ? await create(target, obj)
          : operation === "update" ? await update(target, obj, t.liveObject === true)
          : operation === "patch" ? await patch(target, obj, t.patchStrategy, t.jsonPatch)
          : await remove(target, obj);
        if (policy && out.action !== "deleted" && out.action !== "already-absent") {
          out.policy = await waitForLabels(c, resource, namespace, out.name, policy, signal);
          if (!out.policy.satisfied && !policy.errorOnBackoffTimeout)
            logger.warn({ object: `${out.kind} ${out.name}`, missing: out.policy.missing }, "policy.k8s: labels did not appear in time; counted as success (errorOnBackoffTimeout is off)");
        }
        return out;
      },
    };
  },
  applyPolicy(result, policy) {
    if (result.policy && !result.policy.satisfied && policy?.k8s?.errorOnBackoffTimeout)
      // Not retried: the wait already took the whole backoff, and a retry would only wait again.
      throw new ImpulseError(
        ErrorCodes.TriggerPolicyViolated,
        `policy.k8s: ${result.kind} ${result.namespace ? `${result.namespace}/` : ""}${result.name} did not get label(s) ${result.policy.missing.join(", ")} in time`,
      );
  },
  describe: (r) => `${r.action} ${r.kind} ${r.namespace ? `${r.namespace}/` : ""}${r.name}`,
  previewResource: (template, events) => previewObject(template, events),
});

/** For `impulse sensor test`: the object after parameters, when the source is inline (nothing is read from the cluster). */
export function previewObject(template: unknown, events: FiredEvents): unknown {
  const t = template as { source?: { resource?: unknown }; parameters?: K8sTriggerTemplate["parameters"] };
  return t.source?.resource ? applyParameters(t.source.resource, t.parameters, events) : null;
}
