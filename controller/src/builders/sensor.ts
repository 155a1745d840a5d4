// Sensor custom resource → its Deployment and ServiceAccount.
import type { Sensor } from "@impulse/api";
import { childName, labelsFor, ownerReference, selectorLabels } from "../meta.js";
import { buildPodTemplate, secretNames } from "./pod.js";
import { runtimeContainer, serviceAccount } from "./runtime.js";
import type { BusConnection, CustomResource, DesiredObject, RuntimeOptions } from "./types.js";

export interface SensorPlan {
  objects: DesiredObject[];
  deploymentName: string;
  replicas: number;
  /** Things worth a Warning Event once per generation (e.g. replicas capped). */
  notes: { reason: string; message: string }[];
}

export function buildSensor(cr: CustomResource, sensor: Sensor, bus: BusConnection, opts: RuntimeOptions): SensorPlan {
  const name = cr.metadata.name;
  const labels = labelsFor("Sensor", name);
  const notes: SensorPlan["notes"] = [];
  // Condition state (&& across dependencies) assumes one active replica: more would fire twice or miss a join.
  const asked = sensor.spec.replicas ?? 1;
  const replicas = Math.min(asked, 1);
  if (asked > 1) notes.push({ reason: "ReplicasCapped", message: `spec.replicas is ${asked}: a Sensor runs one replica (its condition state assumes a single active consumer)` });
  const saName = childName(name, "sensor");
  const template = sensor.spec.template as Record<string, unknown> | undefined;
  const deploymentName = childName(name, "sensor");
  const deployment: DesiredObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: deploymentName, namespace: cr.metadata.namespace, labels, ownerReferences: [ownerReference("Sensor", name, cr.metadata.uid)] },
    spec: {
      replicas,
      ...(sensor.spec.revisionHistoryLimit !== undefined ? { revisionHistoryLimit: sensor.spec.revisionHistoryLimit } : {}),
      selector: { matchLabels: selectorLabels("Sensor", name) },
      // Never two sensor pods at once, not even during a rollout.
      strategy: { type: "Recreate" },
      template: buildPodTemplate({ labels, container: runtimeContainer("sensor", cr, bus, opts), serviceAccountName: saName, secrets: secretNames({ ...sensor.spec, template: undefined }), template }),
    },
  };
  const objects: DesiredObject[] = [deployment];
  if (!template?.["serviceAccountName"]) objects.push(serviceAccount("Sensor", cr, saName));
  return { objects, deploymentName, replicas, notes };
}
