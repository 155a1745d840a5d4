// Types the builders share: a custom resource as read from the API server, the bus connection, the desired objects.
import type { EgressPolicy } from "@impulse/api";
import type { V1ObjectMeta } from "@kubernetes/client-node";
import type { PodPolicy } from "./pod.js";

/** An Impulse custom resource as the API server returns it (spec unvalidated: the builder validates it). */
export interface CustomResource {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace: string;
    uid: string;
    generation?: number;
    resourceVersion?: string;
    deletionTimestamp?: string;
    finalizers?: string[];
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  spec?: unknown;
  status?: Record<string, unknown>;
}

/** How runtimes reach an EventBus: what the EventBus status carries in status.config.jetstream. */
export interface BusConnection {
  url: string;
  /** A Secret key holding a token, or YAML `username:`/`password:` (Argo's format), passed to runtimes as IMPULSE_BUS_AUTH. */
  accessSecret?: { name: string; key: string };
  streamConfig?: Record<string, unknown>;
  /** The EventBus's spec.journal, handed to runtimes as IMPULSE_BUS_JOURNAL. */
  journal?: Record<string, unknown>;
}

/** What the controller decides about the pods it runs (from its flags). */
export interface RuntimeOptions {
  /** The impulse image; its entrypoint is the `impulse` CLI. */
  image: string;
  imagePullPolicy?: string;
  policy: PodPolicy;
  /** The process-wide egress policy of Sensor pods (IMPULSE_EGRESS_POLICY): which hosts http triggers may call. */
  egressPolicy?: EgressPolicy;
  /** OTEL_* variables for every EventSource and Sensor pod (the controller's own); a pod template's env wins. */
  otelEnv?: Record<string, string>;
}

/** An object to apply: apiVersion, kind, metadata.name and namespace are always set. */
export interface DesiredObject {
  apiVersion: string;
  kind: string;
  metadata: V1ObjectMeta & { name: string; namespace: string };
  [field: string]: unknown;
}
