// The EventSource definition contract: one object per source type, looked up in a registry.
import type { SecretKeySelector, Span, TraceCarrier, Tracing } from "@impulse/api";
import type { KvStore } from "@impulse/bus";
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import type { z } from "zod";
import type { EventSourceMetrics } from "./metrics.js";
import type { WebhookHub } from "./sources/webhook/hub.js";

/** Resolves a Secret reference to its value (mounted file in a pod, env or a directory locally). */
export type SecretResolver = (ref: SecretKeySelector) => Promise<string>;

/** Loads the Kubernetes client configuration when a source first needs it (kubeconfig file or in-cluster). */
export type KubeConfigLoader = () => KubeConfig;

/** Lets a source say whether it can do its job (a watch attached, a broker reachable); shown on /health. */
export type HealthReporter = (component: string, status: { healthy: boolean; error?: string }) => void;

/** What a source hands to emit: the event's data and, for ingested CloudEvents, the attributes to keep. */
export interface Emission {
  eventName: string;
  data: unknown;
  /** Keep this id (an ingested CloudEvent's); otherwise a new one is generated. */
  id?: string;
  time?: string;
  /** CloudEvent extension attributes to carry on the envelope. */
  extensions?: Record<string, unknown>;
  /**
   * What the event's trace continues: the request's span (tracing on), or the W3C context the sender gave (tracing
   * off: carried on unchanged). None: a traceparent among the extensions, else a new trace (on) or none (off).
   */
  trace?: Span | TraceCarrier;
}

/** What became of an emitted event on the bus. */
export interface Emitted {
  /** The event's id. */
  id: string;
  /** The bus already held this event (a resend inside its dedup window): nothing new was stored. */
  duplicate: boolean;
}

/**
 * Publishes one event; resolves only after the bus stored it (or already held it), or with undefined when the
 * event's `filter.expression` dropped it (nothing to retry: the input was handled).
 */
export type Emit = (e: Emission) => Promise<Emitted | undefined>;

export interface SourceContext<C> {
  eventSourceName: string;
  /** Every event of this type in the EventSource, by event name. */
  events: ReadonlyMap<string, C>;
  logger: Logger;
  secrets: SecretResolver;
  kubeConfig: KubeConfigLoader;
  metrics: EventSourceMetrics;
  /** Address servers of the source (webhooks) listen on: 0.0.0.0 in a pod, 127.0.0.1 under `impulse dev`. */
  listenAddress: string;
  /** Tells whether the bus is reachable (for health endpoints). */
  busConnected: () => boolean;
  /** Largest message the bus accepts in bytes (its max_payload), envelope and headers included. */
  busMaxPayload: () => number;
  health: HealthReporter;
  /**
   * The EventSource's webhook servers, shared by every source type: endpoints of webhook, github, slack, ... may share
   * one port. Webhook-family sources mount through sources/webhook/family.ts (hooks: sources/webhook/hooks.ts).
   */
  webhooks: WebhookHub;
  /** A KV bucket of this EventSource on the bus, for state that must survive restarts (e.g. watch checkpoints). */
  kv: (name: string) => Promise<KvStore>;
  /** Set when tracing is on (OTEL_* configured); sources that serve requests start their server spans with it. */
  tracing?: Tracing | undefined;
  /** Records a request refused before it became an event (status and reason) in the journal, sampled. */
  rejected?: (eventName: string, reason: string) => void;
}

export interface RunningSource {
  /** Resolves once the source is accepting input (e.g. its ports listen). */
  ready: Promise<void>;
  /** Resolves when the source has fully stopped after the signal aborted. */
  done: Promise<void>;
}

export interface EventSourceDefinition<S extends z.ZodType = z.ZodType> {
  /** The key under spec: in the YAML, and the CloudEvent type. */
  type: string;
  configSchema: S;
  /** active-active: every replica serves (webhooks); leader: one replica at a time (queue consumers). */
  strategy: "active-active" | "leader";
  start(ctx: SourceContext<z.output<S>>, emit: Emit, signal: AbortSignal): RunningSource;
}

export function defineEventSource<S extends z.ZodType>(def: EventSourceDefinition<S>): EventSourceDefinition<S> {
  return def;
}
