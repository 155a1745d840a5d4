// Sensor custom resource → its Deployment and ServiceAccount.
import { MESSAGE_TEMPLATES_CONFIGMAP, type Sensor, type Trigger } from "@impulse/api";
import { childName, labelsFor, ownerReference, selectorLabels } from "../meta.js";
import { buildPodTemplate, secretNames } from "./pod.js";
import { runtimeContainer, serviceAccount } from "./runtime.js";
import type { BusConnection, CustomResource, DesiredObject, RuntimeOptions } from "./types.js";

export interface SensorPlan {
  objects: DesiredObject[];
  deploymentName: string;
  replicas: number;
  /** Several replicas: one runs the Sensor, the others wait behind a Lease. */
  leaderElect: boolean;
}

/** Where a sensor pod finds the message templates: the ConfigMap mounted as one file per key. */
export const TEMPLATES_DIR = "/impulse/templates";

const withMounts = <C extends { volumeMounts?: unknown[] }>(c: C, mounts: NonNullable<C["volumeMounts"]>): C => (mounts.length ? { ...c, volumeMounts: [...(c.volumeMounts ?? []), ...mounts] } : c);

const namesTemplate = (t: Trigger | undefined): boolean => t !== undefined && (t.messageTemplate !== undefined || namesTemplate(t.dlqTrigger));

export function buildSensor(cr: CustomResource, sensor: Sensor, bus: BusConnection, opts: RuntimeOptions): SensorPlan {
  const name = cr.metadata.name;
  const labels = labelsFor("Sensor", name);
  // Condition state (&& across dependencies) assumes one active replica: extra replicas are standbys behind a Lease.
  const replicas = sensor.spec.replicas ?? 1;
  const leaderElect = replicas > 1;
  const saName = childName(name, "sensor");
  const template = sensor.spec.template as Record<string, unknown> | undefined;
  const deploymentName = childName(name, "sensor");
  // Only a Sensor that names a message template gets the ConfigMap (optional: a missing one is told by the runtime).
  const templates = sensor.spec.triggers.some(namesTemplate);
  const deployment: DesiredObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: deploymentName, namespace: cr.metadata.namespace, labels, ownerReferences: [ownerReference("Sensor", name, cr.metadata.uid)] },
    spec: {
      replicas,
      ...(sensor.spec.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: sensor.spec.revisionHistoryLimit } : {}),
      selector: { matchLabels: selectorLabels("Sensor", name) },
      // Never two active sensors at once: one pod is replaced at a time, or standbys take over through the Lease.
      strategy: leaderElect ? { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } : { type: "Recreate" },
      template: buildPodTemplate({
        labels,
        container: withMounts(runtimeContainer("sensor", cr, bus, opts, {
          env: [
            ...(leaderElect ? [{ name: "IMPULSE_LEADER_ELECT", value: "true" }] : []),
            // The operator's egress policy; the Sensor's own spec.egressPolicy applies on top of it in the pod.
            ...(opts.egressPolicy ? [{ name: "IMPULSE_EGRESS_POLICY", value: JSON.stringify(opts.egressPolicy) }] : []),
            ...(templates ? [{ name: "IMPULSE_TEMPLATES", value: TEMPLATES_DIR }] : []),
          ],
        }), templates ? [{ name: "impulse-templates", mountPath: TEMPLATES_DIR, readOnly: true }] : []),
        ...(templates ? { volumes: [{ name: "impulse-templates", configMap: { name: MESSAGE_TEMPLATES_CONFIGMAP, optional: true } }] } : {}),
        serviceAccountName: saName,
        secrets: secretNames({ ...sensor.spec, template: undefined }),
        template,
      }),
    },
  };
  const objects: DesiredObject[] = [deployment];
  if (!template?.["serviceAccountName"]) objects.push(serviceAccount("Sensor", cr, saName));
  return { objects, deploymentName, replicas, leaderElect };
}
