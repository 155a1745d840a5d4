// The trigger definition contract: typed template in, typed result out, policy on the result.
import type { SpanAttributes, SpanKind, TraceCarrier, Trigger } from "@impulse/api";
import type { EgressLevel } from "../egress/policy.js";
import type { KubeConfig } from "@kubernetes/client-node";
import type { KvStore } from "@impulse/bus";
import type { Logger } from "pino";
import type { z } from "zod";
import type { FiredEvents } from "../params/resolve.js";

export type SecretResolver = (ref: { name: string; key: string }) => Promise<string>;

/** Loads the Kubernetes client configuration when a trigger first needs it (kubeconfig file or in-cluster). */
export type KubeConfigLoader = () => KubeConfig;

export interface TriggerContext {
  sensorName: string;
  /** The Sensor resource's metadata.namespace, when it has one (k8s objects default to it). */
  sensorNamespace?: string | undefined;
  triggerName: string;
  /** The trigger's place in the Sensor, e.g. spec.triggers[0] (or spec.triggers[0].dlqTrigger), for errors naming fields. */
  path?: string;
  /** The trigger's policy, for kinds that enforce it while executing (k8s waits for labels on the object). */
  policy?: Trigger["policy"];
  /** The trigger's template as written in the spec, before parameters: the http trigger tells its configured url from one an event set. */
  template?: Trigger["template"];
  /** Egress policies for calls to URLs events can set, the process-wide default first, then the Sensor's spec.egressPolicy. */
  egress?: EgressLevel[];
  logger: Logger;
  secrets: SecretResolver;
  kubeConfig: KubeConfigLoader;
  /**
   * Opens a durable key-value bucket of this sensor on the bus, for trigger state that must survive a restart (Slack
   * threads); `name` is short ([a-z0-9-]) and unique per use. Absent for an executor used without a bus.
   */
  kv?: ((name: string, opts?: { ttlMs?: number }) => Promise<KvStore>) | undefined;
  /** Aborts when the sensor shuts down: release connections, stop timers. */
  signal: AbortSignal;
}

export interface Firing<T> {
  /** The kind's template after parameters were applied. */
  template: T;
  /** Body built from the template's payload parameters (undefined when the kind has none). */
  payload: unknown;
  events: FiredEvents;
  /** Stable for the same sensor, trigger and event ids: lets receivers drop duplicates. */
  idempotencyKey: string;
  /** Set when a user replayed or redrove the events (`impulse events replay`): its id, sent as a header where the kind has headers. */
  replay?: string;
  /**
   * W3C trace context to send on with the request (header, record header, client context, annotation): the attempt's
   * span when tracing is on, else the context the event arrived with; absent when neither exists.
   */
  trace?: TraceCarrier;
  logger: Logger;
}

/** How an attempt of a kind shows as a span: its name, kind and attributes (OpenTelemetry semantic conventions). */
export interface TriggerSpan {
  name: string;
  kind: SpanKind;
  attributes: SpanAttributes;
}

export interface TriggerExecutor<T, R> {
  execute(firing: Firing<T>, signal: AbortSignal): Promise<R>;
}

export interface TriggerDefinition<S extends z.ZodType = z.ZodType, R = unknown> {
  /** The key under template: in the YAML. */
  type: string;
  templateSchema: S;
  /** Whether the template has a `payload` parameter list the runner builds. */
  hasPayload: boolean;
  /**
   * The kind's own `parameters` apply to a resource the trigger loads (k8s: the object, as in Argo), not to the
   * template: the runner leaves them in the template and the trigger applies them with applyParameters.
   */
  resourceParameters?: boolean;
  /** Whether the kind applies `template.<kind>.tls`; for other kinds a tls block is rejected when the sensor is compiled. */
  supportsTls?: boolean;
  create(ctx: TriggerContext): TriggerExecutor<z.output<S>, R>;
  /** Throws a PolicyError when the result is not a success under the trigger's policy. */
  applyPolicy(result: R, policy: Trigger["policy"]): void;
  /** For `impulse sensor test`: the resource the trigger would act on, when it can be known without I/O (else null). */
  previewResource?(kindTemplate: unknown, events: FiredEvents): unknown;
  /** The attempt span's name, kind and attributes for a resolved template (default: "<kind> <trigger>", client). */
  span?(template: z.output<S>): TriggerSpan;
  /** Attributes of the attempt span from the result (e.g. http.response.status_code). */
  spanResult?(result: R): SpanAttributes;
  /** Short text for logs and the firing record (e.g. "HTTP 200"). */
  describe(result: R): string;
}

export function defineTrigger<S extends z.ZodType, R>(def: TriggerDefinition<S, R>): TriggerDefinition<S, R> {
  return def;
}
