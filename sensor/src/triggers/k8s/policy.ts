// policy.k8s: polls the object the trigger acted on until it carries the wanted labels, with Argo's backoff fields.
import type { K8sTriggerPolicy } from "@impulse/api";
import { delayAfter, retryPlan } from "../../delivery/retry.js";
import type { KubeClient, KubeObject, ResourceInfo } from "./client.js";
import { sleep } from "../../delivery/sleep.js";

/** Label keys whose value is missing or different. */
export function missingLabels(have: Record<string, string> | undefined, want: Record<string, string>): string[] {
  return Object.entries(want)
    .filter(([k, v]) => have?.[k] !== v)
    .map(([k]) => k);
}

/**
 * Checks `backoff.steps` times (default 5), sleeping the backoff's delay in between (default 1 s, factor 1).
 * API errors while reading (the object was deleted, access denied) end the wait with that error, as in Argo.
 */
export async function waitForLabels(
  client: KubeClient,
  resource: ResourceInfo,
  namespace: string | undefined,
  name: string,
  policy: K8sTriggerPolicy,
  signal: AbortSignal,
): Promise<{ satisfied: boolean; missing: string[] }> {
  // Argo's DefaultBackoff for an unset backoff: 5 steps, 1 s, factor 1 (Impulse's usual jitter 0.1 instead of 1).
  const plan = retryPlan(policy.backoff ?? {});
  let missing: string[] = Object.keys(policy.labels);
  for (let attempt = 1; attempt <= plan.steps; attempt++) {
    const obj = await client.request<KubeObject>("GET", client.path(resource, namespace, name), { what: `read ${resource.kind} ${name} for policy.k8s` });
    missing = missingLabels(obj.metadata.labels, policy.labels);
    if (missing.length === 0) return { satisfied: true, missing };
    if (attempt < plan.steps) await sleep(delayAfter(plan, attempt), signal);
  }
  return { satisfied: false, missing };
}
