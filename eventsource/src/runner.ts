// Runs every source of one EventSource resource against a bus until the signal aborts.
import { errorMessage, logFields, type EventSource, type Tracing } from "@impulse/api";
import type { EventBus } from "@impulse/bus";
import type { Logger } from "pino";
import type { Emit, KubeConfigLoader, RunningSource, SecretResolver } from "./define.js";
import { buildEnvelope } from "./envelope.js";
import { publishSpan, withTraceContext } from "./trace.js";
import { compileEventFilter, type EventFilter } from "./filter-expression.js";
import { runWithLease, type LeaseOptions } from "./leader/lease.js";
import type { EventSourceMetrics } from "./metrics.js";
import { sourceDefinitions } from "./sources/index.js";
import { createWebhookHub } from "./sources/webhook/hub.js";

export interface EventSourceRunOptions {
  resource: EventSource;
  bus: EventBus;
  logger: Logger;
  metrics: EventSourceMetrics;
  secrets: SecretResolver;
  /** Needed only by sources that talk to Kubernetes. */
  kubeConfig?: KubeConfigLoader;
  signal: AbortSignal;
  /** Where servers of the sources (webhooks) listen; default every interface, as in a pod. */
  listenAddress?: string;
  /**
   * With several replicas: sources with the "leader" strategy (resource, ...) run only in the replica holding the
   * Lease eventsource-<name>; without it they run in this process (one replica, or impulse dev).
   */
  leaderElection?: Omit<LeaseOptions, "name" | "logger">;
  /** Set when tracing is on: every published event gets a producer span and carries its traceparent. */
  tracing?: Tracing | undefined;
}

export interface RunningEventSource {
  ready: Promise<void>;
  /** Healthy while every component a source reported is healthy. */
  health(): { healthy: boolean; components: Record<string, { healthy: boolean; error?: string }> };
  done: Promise<void>;
}

const noKubeConfig: KubeConfigLoader = () => {
  throw new Error("no Kubernetes configuration: pass --kubeconfig or set KUBECONFIG (in a pod the service account is used)");
};

/** The compiled `filter.expression` of every event that has one. */
function eventFilters(entries: Record<string, unknown>): Map<string, EventFilter> {
  const filters = new Map<string, EventFilter>();
  for (const [eventName, cfg] of Object.entries(entries)) {
    const expression = (cfg as { filter?: { expression?: string } }).filter?.expression;
    if (expression) filters.set(eventName, compileEventFilter(expression));
  }
  return filters;
}

export function runEventSource(o: EventSourceRunOptions): RunningEventSource {
  const name = o.resource.metadata.name;
  const log = o.logger.child({ eventSourceName: name });
  const running: RunningSource[] = [];
  const singletons: { type: string; start: (signal: AbortSignal) => RunningSource }[] = [];
  const components: Record<string, { healthy: boolean; error?: string }> = {};
  const webhooks = createWebhookHub(
    { host: o.listenAddress ?? "0.0.0.0", metrics: o.metrics, logger: log, busMaxPayload: () => o.bus.maxPayload(), rejected: (eventName: string, reason: string) => o.bus.journal.reject(name, eventName, reason), tracing: o.tracing },
    o.signal,
  );
  for (const [type, def] of sourceDefinitions) {
    const entries = (o.resource.spec as unknown as Record<string, Record<string, unknown> | undefined>)[type];
    if (!entries || Object.keys(entries).length === 0) continue;
    const counters = new Map<string, { published: { inc(): void }; duplicates: { inc(): void } }>();
    const filters = eventFilters(entries);
    const emit: Emit = async (e) => {
      const verdict = filters.get(e.eventName)?.(e.data);
      if (verdict && !verdict.pass) {
        o.metrics.filtered.inc({ eventsource: name, event: e.eventName, reason: verdict.error ? "error" : "false" });
        log.info({ eventName: e.eventName, reason: verdict.reason }, "event filtered out by filter.expression");
        o.bus.journal.reject(name, e.eventName, verdict.reason);
        return undefined;
      }
      const event = buildEnvelope(name, type, e);
      // Tracing on: a producer span whose context the event carries; off: only a context the sender gave, unchanged.
      const span = o.tracing ? publishSpan(o.tracing, event, e.trace) : undefined;
      if (!span && e.trace) withTraceContext(event, e.trace);
      let published;
      try {
        published = await o.bus.publish(event);
      } catch (err) {
        o.bus.journal.reject(name, e.eventName, `not stored on the bus: ${errorMessage(err)}`);
        span?.fail(errorMessage(err), (err as { code?: string }).code);
        span?.end();
        throw err;
      }
      if (span) {
        span.setAttributes({ "messaging.message.body.size": published.size, "impulse.bus.sequence": published.sequence, "impulse.duplicate": published.duplicate });
        span.end();
      }
      const { duplicate } = published;
      if (o.bus.journal.enabled)
        o.bus.journal.append({
          kind: "ingest",
          time: new Date().toISOString(),
          eventId: event.id,
          source: name,
          event: e.eventName,
          type,
          eventTime: event.time,
          size: published.size ?? 0,
          ...(published.sequence !== undefined ? { sequence: published.sequence } : {}),
          ...(duplicate ? { duplicate } : {}),
        });
      let c = counters.get(e.eventName);
      if (!c) {
        const labels = { eventsource: name, event: e.eventName };
        counters.set(e.eventName, (c = { published: o.metrics.published.labels(labels), duplicates: o.metrics.duplicates.labels(labels) }));
      }
      // "Published" counts only what was stored: a duplicate was acknowledged, and stored earlier.
      (duplicate ? c.duplicates : c.published).inc();
      // One line per event at info: with the sensor's lines it tells what happened to each event (issue 10).
      log.info(
        { eventName: e.eventName, eventId: event.id, source: event.source, subject: event.subject, ...(duplicate ? { duplicate } : {}), ...logFields(span) },
        duplicate ? "event received; already on the bus (not stored again)" : "event received",
      );
      return { id: event.id, duplicate };
    };
    const start = (signal: AbortSignal) =>
      def.start(
        {
          eventSourceName: name,
          events: new Map(Object.entries(entries)),
          logger: log.child({ sourceType: type }),
          secrets: o.secrets,
          kubeConfig: o.kubeConfig ?? noKubeConfig,
          metrics: o.metrics,
          listenAddress: o.listenAddress ?? "0.0.0.0",
          busConnected: () => o.bus.connected(),
          busMaxPayload: () => o.bus.maxPayload(),
          health: (component, status) => {
            components[`${type}/${component}`] = status;
          },
          webhooks,
          kv: (bucket) => o.bus.kv(`eventsource-${name}-${bucket}`),
          rejected: (eventName, reason) => o.bus.journal.reject(name, eventName, reason),
          tracing: o.tracing,
        },
        emit,
        signal,
      );
    if (def.strategy === "leader" && o.leaderElection) singletons.push({ type, start });
    else running.push(start(o.signal));
  }
  if (singletons.length && o.leaderElection) {
    // One Lease for all singleton sources of this EventSource; a standby replica is ready, it just does not publish.
    const onLeaseError = (error: string | undefined) => {
      if (error) components["leader-election"] = { healthy: false, error };
      else delete components["leader-election"];
    };
    const done = runWithLease({ ...o.leaderElection, name: `eventsource-${name}`, logger: log, onLeaseError }, o.signal, async (leading) => {
      await Promise.all(singletons.map(({ start }) => start(leading).done));
      // A standby is healthy: forget what the stopped sources last reported, or losing the lease would fail /health.
      for (const { type } of singletons) for (const key of Object.keys(components)) if (key.startsWith(`${type}/`)) delete components[key];
    });
    running.push({ ready: Promise.resolve(), done });
  }
  const sourceCount = running.length;
  running.push({ ready: Promise.resolve(), done: webhooks.done });
  return {
    ready: Promise.all(running.map((r) => r.ready)).then(() => {
      // "ready" only when every source can work; otherwise say what is wrong (sources keep retrying, /health tells).
      const failing = Object.entries(components).filter(([, c]) => !c.healthy);
      if (failing.length === 0) log.info({ sources: sourceCount }, "eventsource ready");
      else log.warn({ failing: Object.fromEntries(failing.map(([k, c]) => [k, c.error ?? "unhealthy"])) }, "eventsource started but not ready: " + failing.map(([k, c]) => `${k}: ${c.error ?? "unhealthy"}`).join("; "));
    }),
    done: Promise.all(running.map((r) => r.done)).then(() => undefined),
    health: () => ({ healthy: Object.values(components).every((c) => c.healthy), components: { ...components } }),
  };
}
