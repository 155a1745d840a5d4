// The policy for a user's pod `template`: known fields only, the right shapes, no node-level privileges unless allowed.
// Shared by the controller (which refuses such a resource) and `impulse lint` (which finds the mistake before apply).
import type { Finding } from "./validate.js";
import { didYouMean } from "./suggest.js";

/** Pod-level fields a `template` may set (Argo's Template, plus scheduling fields users keep asking for). */
const POD_FIELDS = [
  "metadata", "container", "serviceAccountName", "volumes", "securityContext", "nodeSelector", "tolerations", "affinity",
  "imagePullSecrets", "priorityClassName", "priority", "schedulerName", "dnsPolicy", "dnsConfig", "topologySpreadConstraints",
  "runtimeClassName", "terminationGracePeriodSeconds", "hostAliases", "hostNetwork", "hostPID", "hostIPC", "automountServiceAccountToken",
] as const;
/** Container fields a `template.container` may set. Image, command and args stay the controller's (Argo's fix for GHSA-hmp7-x699-cvhq too). */
const CONTAINER_FIELDS = ["env", "envFrom", "resources", "volumeMounts", "imagePullPolicy", "securityContext"] as const;
const ARRAY_FIELDS = new Set(["volumes", "tolerations", "imagePullSecrets", "topologySpreadConstraints", "hostAliases", "env", "envFrom", "volumeMounts"]);
const OBJECT_FIELDS = new Set(["metadata", "container", "securityContext", "nodeSelector", "affinity", "dnsConfig", "resources"]);

export const ALLOW_FLAG = "--allow-privileged-pods";

export interface PodPolicy {
  /** Admin opt-in: privileged containers, host namespaces and hostPath volumes in user templates. */
  allowPrivileged: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Checks a user's pod template: only known fields, the right shapes, and none of the settings that give a pod the
 * node (privileged, host namespaces, hostPath) unless the admin allowed them. Paths are rooted at spec.template.
 */
export function checkPodTemplate(template: Record<string, unknown> | undefined, policy: PodPolicy): Finding[] {
  if (!template) return [];
  const findings: Finding[] = [];
  const at = (p: string) => `spec.template${p}`;
  const refuse = (p: string, what: string) =>
    findings.push({ path: at(p), message: `${what} are not allowed: a cluster admin can allow them by starting the controller with ${ALLOW_FLAG}` });
  const shape = (scope: string, key: string, v: unknown) => {
    if (ARRAY_FIELDS.has(key) && !Array.isArray(v)) findings.push({ path: at(`${scope}.${key}`), message: "must be a list" });
    if (OBJECT_FIELDS.has(key) && !isObject(v)) findings.push({ path: at(`${scope}.${key}`), message: "must be a mapping" });
  };
  for (const [k, v] of Object.entries(template)) {
    if (!(POD_FIELDS as readonly string[]).includes(k)) findings.push({ path: at(`.${k}`), message: `is not a supported pod template field${didYouMean(k, POD_FIELDS)} (supported: ${POD_FIELDS.join(", ")})` });
    else shape("", k, v);
  }
  const container = template["container"];
  if (isObject(container)) {
    for (const [k, v] of Object.entries(container)) {
      if (!(CONTAINER_FIELDS as readonly string[]).includes(k))
        findings.push({ path: at(`.container.${k}`), message: `cannot be set${didYouMean(k, CONTAINER_FIELDS)}: the controller owns the container's image, command and ports (supported: ${CONTAINER_FIELDS.join(", ")})` });
      else shape(".container", k, v);
    }
    const sc = container["securityContext"];
    if (!policy.allowPrivileged && isObject(sc) && sc["privileged"] === true) refuse(".container.securityContext.privileged", "privileged containers");
  }
  if (!policy.allowPrivileged) {
    for (const ns of ["hostNetwork", "hostPID", "hostIPC"]) if (template[ns] === true) refuse(`.${ns}`, "host namespaces");
    const volumes = template["volumes"];
    if (Array.isArray(volumes)) volumes.forEach((v, i) => isObject(v) && v["hostPath"] !== undefined && refuse(`.volumes[${i}].hostPath`, "hostPath volumes"));
  }
  return findings;
}

