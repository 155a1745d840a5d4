// The source reader contract: one module per `source` kind (Argo's ArtifactLocation), each turning its config into text or an object.
import type { K8sSource, SourceKind } from "@impulse/api";
import type { Logger } from "pino";
import type { EgressLevel } from "../../egress/policy.js";
import type { SecretResolver } from "../define.js";
import type { KubeClient } from "../k8s/client.js";

/** What a reader may use; built once per trigger, so a reader may keep state (a git clone, a connection pool). */
export interface SourceContext {
  sensorName: string;
  triggerName: string;
  /** The source's field path for errors, e.g. spec.triggers[0].template.k8s.source. */
  at: string;
  secrets: SecretResolver;
  egress: EgressLevel[];
  logger: Logger;
  /** Where readers keep files between firings when the source names no directory (a git clone): under the pod's /tmp. */
  cacheDir: string;
  signal: AbortSignal;
  /** The source as written in the Sensor, before parameters: a reader may refuse a parameter that changed what it trusts. */
  configured?: K8sSource | undefined;
}

/** Per firing: the cluster the trigger talks to and the Sensor's namespace (the configmap kind reads from it). */
export interface SourceCall {
  kube: () => KubeClient;
  namespace: string;
}

/** A YAML/JSON document to parse, or an object as written in the Sensor; `where` names it in errors. */
export type Loaded = { text: string; where: string } | { object: unknown; where: string };

export interface SourceReader<C> {
  read(config: C, call: SourceCall, signal: AbortSignal): Promise<Loaded>;
}

export interface SourceDefinition<K extends SourceKind> {
  kind: K;
  create(ctx: SourceContext): SourceReader<NonNullable<K8sSource[K]>>;
}

export function defineSource<K extends SourceKind>(def: SourceDefinition<K>): SourceDefinition<K> {
  return def;
}
