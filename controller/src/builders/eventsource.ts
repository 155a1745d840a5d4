// EventSource custom resource → its Deployment, ServiceAccount and (for webhook ports) Service.
import type { EventSource } from "@impulse/api";
import { childName, labelsFor, ownerReference, selectorLabels } from "../meta.js";
import { buildPodTemplate, secretNames } from "./pod.js";
import { runtimeContainer, serviceAccount } from "./runtime.js";
import type { BusConnection, CustomResource, DesiredObject, RuntimeOptions } from "./types.js";

/** How a source type runs with several replicas (from the source registry): every replica, or only the Lease holder. */
export type StrategyOf = (sourceType: string) => "active-active" | "leader";

export interface EventSourcePlan {
  objects: DesiredObject[];
  deploymentName: string;
  replicas: number;
  /** Source types in the spec, for status.sourceTypes. */
  sourceTypes: string[];
  leaderElect: boolean;
}

export function sourceTypesOf(es: EventSource, known: readonly string[]): string[] {
  const spec = es.spec as unknown as Record<string, unknown>;
  return known.filter((t) => spec[t] && Object.keys(spec[t] as object).length > 0);
}

export function buildEventSource(cr: CustomResource, es: EventSource, bus: BusConnection, opts: RuntimeOptions, strategyOf: StrategyOf, knownTypes: readonly string[]): EventSourcePlan {
  const name = cr.metadata.name;
  const namespace = cr.metadata.namespace;
  const labels = labelsFor("EventSource", name);
  const owner = [ownerReference("EventSource", name, cr.metadata.uid)];
  const replicas = es.spec.replicas ?? 1;
  const sourceTypes = sourceTypesOf(es, knownTypes);
  const singletons = sourceTypes.some((t) => strategyOf(t) === "leader");
  // Several replicas of a singleton source (resource, ...) take turns through a Lease; one replica needs none.
  const leaderElect = singletons && replicas > 1;
  const ports = es.spec.service?.ports ?? [];
  const saName = childName(name, "eventsource");
  const template = es.spec.template as Record<string, unknown> | undefined;

  const container = runtimeContainer("eventsource", cr, bus, opts, {
    env: leaderElect ? [{ name: "IMPULSE_LEADER_ELECT", value: "true" }] : [],
    ports: ports.map((p) => ({ containerPort: typeof p.targetPort === "number" ? p.targetPort : p.port, protocol: p.protocol ?? "TCP" })),
  });
  const deploymentName = childName(name, "eventsource");
  const deployment: DesiredObject = {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: deploymentName, namespace, labels, ownerReferences: owner },
    spec: {
      replicas,
      selector: { matchLabels: selectorLabels("EventSource", name) },
      // A singleton source without leader election must never run twice, even during a rollout.
      // rollingUpdate is spelled out so that server-side apply owns it and drops it when switching to Recreate.
      strategy: singletons && !leaderElect ? { type: "Recreate" } : { type: "RollingUpdate", rollingUpdate: { maxSurge: "25%", maxUnavailable: "25%" } },
      template: buildPodTemplate({ labels, container, serviceAccountName: saName, secrets: secretNames({ ...es.spec, template: undefined }), template }),
    },
  };
  const objects: DesiredObject[] = [deployment];
  if (!template?.["serviceAccountName"]) objects.push(serviceAccount("EventSource", cr, saName));
  if (ports.length) {
    const svc = es.spec.service!;
    objects.push({
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name: childName(name, "eventsource-svc"),
        namespace,
        labels: { ...svc.metadata?.labels, ...labels },
        ...(svc.metadata?.annotations ? { annotations: svc.metadata.annotations } : {}),
        ownerReferences: owner,
      },
      spec: {
        type: "ClusterIP",
        ...(svc.clusterIP ? { clusterIP: svc.clusterIP } : {}),
        selector: selectorLabels("EventSource", name),
        ports: ports.map((p) => ({ name: p.name ?? `port-${p.port}`, port: p.port, targetPort: p.targetPort ?? p.port, protocol: p.protocol ?? "TCP" })),
      },
    });
  }
  return { objects, deploymentName, replicas, sourceTypes, leaderElect };
}
