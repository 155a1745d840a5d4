// Validates a custom resource before anything is built: the runtimes' own parser, name limits, the pod template policy.
import { parseResource, type Finding } from "@impulse/api";
import { checkPodTemplate } from "./pod.js";
import type { CustomResource, RuntimeOptions } from "./types.js";

export type Validated<T> = { ok: true; resource: T; warnings: Finding[] } | { ok: false; findings: Finding[]; reason: "InvalidSpec" | "PodTemplateNotAllowed" };

export const NAME_LIMIT = 63;

/** Validates a custom resource with the same parser the runtimes use; names become label values, so at most 63 characters. */
export function validate<T>(cr: CustomResource, policy: RuntimeOptions["policy"]): Validated<T> {
  const parsed = parseResource({ apiVersion: cr.apiVersion, kind: cr.kind, metadata: { name: cr.metadata.name, namespace: cr.metadata.namespace }, spec: cr.spec });
  if (!parsed.ok) return { ok: false, findings: parsed.errors, reason: "InvalidSpec" };
  if (cr.metadata.name.length > NAME_LIMIT) return { ok: false, reason: "InvalidSpec", findings: [{ path: "metadata.name", message: `must be at most ${NAME_LIMIT} characters (it becomes a label value)` }] };
  const template = (parsed.resource.spec as { template?: Record<string, unknown> }).template;
  const refused = checkPodTemplate(template, policy);
  if (refused.length) return { ok: false, findings: refused, reason: "PodTemplateNotAllowed" };
  return { ok: true, resource: parsed.resource as T, warnings: parsed.warnings };
}
