// Runs a Sensor: one durable subscription per trigger; an event is acknowledged only after its firing finished.
import { errorMessage, logFields, type EgressPolicy, type Sensor, type Span, type Tracing } from "@impulse/api";
import type { EgressLevel } from "./egress/policy.js";
import type { Delivery, EventBus, Subscription, SubscriptionStatus } from "@impulse/bus";
import type { Logger } from "pino";
import { checkScripts, compileSensor, type CompiledTrigger } from "./compile.js";
import { applyTransform } from "./transform.js";
import { evaluate } from "./conditions/parse.js";
import { TriggerConditionState } from "./conditions/state.js";
import { KeyedMutex, Mutex } from "./delivery/mutex.js";
import { getPath, resultString } from "@impulse/api";
import { fire, type ArmedTrigger } from "./fire.js";
import { limiterFor } from "./delivery/rate-limit.js";
import { FiringDedup } from "./delivery/dedup.js";
import { bindTriggerMeters, type SensorMetrics } from "./metrics.js";
import type { FiredEvents } from "./params/resolve.js";
import type { KubeConfigLoader, SecretResolver } from "./triggers/define.js";
import { sensorLogger } from "./logging-fields.js";
import { SlowFiringVerdicts, TriggerJournal } from "./delivery/journal.js";
import { handleReplay, type ReplayTarget } from "./replay.js";
import { conditionSpan, filterSpan, processSpan } from "./trace.js";
import { ONCE_PER_MAX_MS } from "@impulse/api";
import type { MessageCatalog } from "./notify/catalog.js";

/** As long as the bus's own duplicate window by default, so together they cover the same span. */
export const DEFAULT_DEDUP_WINDOW_MS = 300_000;

export interface SensorRunOptions {
  resource: Sensor;
  bus: EventBus;
  logger: Logger;
  metrics: SensorMetrics;
  secrets: SecretResolver;
  /** Needed only by triggers that talk to Kubernetes. */
  kubeConfig?: KubeConfigLoader;
  signal: AbortSignal;
  /** Firings in progress at once per trigger (default 32). */
  concurrency?: number;
  /** A second firing for the same events inside this window is suppressed (default 5 min; 0 turns it off). */
  dedupWindowMs?: number;
  /** The process-wide egress policy (--egress-policy); the Sensor's spec.egressPolicy applies on top of it. */
  egressPolicy?: EgressPolicy | undefined;
  /** Set when tracing is on (OTEL_* configured): deliveries, verdicts, conditions and attempts become spans. */
  tracing?: Tracing | undefined;
  /** Named message templates triggers may use (messageTemplate); none given: a trigger naming one is an error. */
  templates?: MessageCatalog | undefined;
}

export interface RunningSensor {
  /** Per trigger: is its subscription attached to the bus? */
  health(): { healthy: boolean; triggers: Record<string, SubscriptionStatus>; leaseError?: string };
  /** Resolves after the signal aborted and in-flight firings finished. */
  done: Promise<void>;
}

/** Where a delivery's spans go: the tracer and the delivery's process span (both absent when tracing is off). */
interface DeliveryTrace {
  tracing: Tracing;
  span: Span;
}

/**
 * A firing that follows its match at once records the matched dependencies in its own record (`events`): the verdict
 * gets a record of its own only when the firing is still running after this long, so a slow target still shows
 * "matched" meanwhile. One journal record less per event on the usual path.
 */
const MATCHED_RECORD_DELAY_MS = 1000;

/** `journalMatched: false` leaves the matched verdicts to the caller (see MATCHED_RECORD_DELAY_MS); misses are always journaled. */
async function matchDependencies(t: CompiledTrigger, event: FiredEvents[string], log: Logger, journal: TriggerJournal, tr?: DeliveryTrace, journalMatched = true): Promise<{ events: FiredEvents; reasons: string[] }> {
  const events: Record<string, FiredEvents[string]> = {};
  const reasons: string[] = [];
  for (const dep of t.dependencies) {
    if (dep.eventSourceName !== event.source || dep.eventName !== event.subject) continue;
    const seen = await applyTransform(dep, event);
    if ("failed" in seen) {
      reasons.push(`${dep.name}: ${seen.failed}`);
      journal.dependency(event, dep.name, false, seen.failed);
      if (tr) filterSpan(tr.tracing, tr.span, event, dep.name, false, seen.failed);
      continue;
    }
    const r = await dep.filter(seen.event);
    if (r.pass) {
      events[dep.name] = seen.event;
      if (journalMatched) journal.dependency(event, dep.name, true);
      if (tr) filterSpan(tr.tracing, tr.span, event, dep.name, true);
      log.info({ eventId: event.id, dependency: dep.name, ...logFields(tr?.span) }, `dependency ${dep.name} matched`);
    } else {
      const reason = r.reason ?? "rejected";
      reasons.push(`${dep.name}: ${reason}`);
      journal.dependency(event, dep.name, false, reason);
      if (tr) filterSpan(tr.tracing, tr.span, event, dep.name, false, reason);
      // At info, not debug: "why didn't it fire?" must be answerable from the default log (issue 10).
      log.info({ eventId: event.id, dependency: dep.name, reason, ...logFields(tr?.span) }, `dependency ${dep.name} not matched: ${reason}`);
    }
  }
  return { events, reasons };
}

/** The ordering key's value as text; events without it share the empty key (ordered among themselves). */
function orderingValue(data: unknown, path: string): string {
  const r = getPath(data, path);
  return r.exists ? resultString(r.value) : "";
}

/** Compiles the sensor (throwing on an invalid spec) and subscribes every trigger. */
const noKubeConfig: KubeConfigLoader = () => {
  throw new Error("no Kubernetes configuration: pass --kubeconfig or set KUBECONFIG (in a pod the service account is used)");
};

export async function runSensor(o: SensorRunOptions): Promise<RunningSensor> {
  const { sensor, errors } = compileSensor(o.resource, { templates: o.templates ?? { source: "no message templates (none were given)", templates: new Map() } });
  if (!sensor) throw new Error(`sensor ${o.resource.metadata.name} is invalid:\n` + errors.map((e) => `  ${e.path}: ${e.message}`).join("\n"));
  const scriptErrors = await checkScripts(sensor);
  if (scriptErrors.length) throw new Error(`sensor ${sensor.name} is invalid:\n` + scriptErrors.map((e) => `  ${e}`).join("\n"));
  const log = sensorLogger(o.logger, o.resource);
  const subs = new Map<string, Subscription>();
  const replayTargets = new Map<string, ReplayTarget>();
  const background = new Set<Promise<unknown>>();

  const dedupWindowMs = o.dedupWindowMs ?? DEFAULT_DEDUP_WINDOW_MS;
  const dedup = dedupWindowMs > 0 ? new FiringDedup(await o.bus.kv(`sensor-${sensor.name}-fired`, { ttlMs: dedupWindowMs }), dedupWindowMs) : undefined;
  // Partial conditions live in one KV bucket per sensor, opened only when some trigger needs it.
  const kv = sensor.triggers.some((t) => t.stateful) ? await o.bus.kv(`sensor-${sensor.name}`) : undefined;
  // oncePer records outlive the dedup window: their own bucket, its TTL the longest window a trigger may ask for.
  const onceKv = sensor.triggers.some((t) => t.notify?.oncePer) ? await o.bus.kv(`sensor-${sensor.name}-once`, { ttlMs: ONCE_PER_MAX_MS }) : undefined;

  const egress: EgressLevel[] = [
    ...(o.egressPolicy ? [{ source: "the process-wide egress policy", policy: o.egressPolicy }] : []),
    ...(o.resource.spec.egressPolicy ? [{ source: "spec.egressPolicy", policy: o.resource.spec.egressPolicy }] : []),
  ];
  for (const t of sensor.triggers) {
    const tlog = log.child({ triggerName: t.name });
    const meters = bindTriggerMeters(o.metrics, sensor.name, t.name);
    const journal = new TriggerJournal(o.bus.journal, sensor.name, t.name);
    const depNames = [...new Set(t.dependencies.map((d) => d.name))];
    const arm = (c: CompiledTrigger): ArmedTrigger => ({
      trigger: c,
      executor: c.definition.create({
        sensorName: sensor.name,
        sensorNamespace: o.resource.metadata.namespace,
        triggerName: c.name,
        path: c.at,
        policy: c.spec.policy,
        template: c.spec.template,
        egress,
        logger: tlog,
        secrets: o.secrets,
        kubeConfig: o.kubeConfig ?? noKubeConfig,
        kv: (name, opts) => o.bus.kv(`sensor-${sensor.name}-${name}`, opts),
        signal: o.signal,
      }),
      limiter: limiterFor(c.spec.rateLimit),
      dlq: c.dlq ? arm(c.dlq) : undefined,
      once: onceKv && c.notify?.oncePer ? new FiringDedup(onceKv, c.notify.oncePerWindowMs) : undefined,
    });
    const armed = arm(t);
    const fireWith = (events: FiredEvents, deliveryCount: number, tr: DeliveryTrace | undefined) =>
      fire({ sensorName: sensor.name, armed, dedup, events, deliveryCount, meters, logger: tlog, signal: o.signal, journal, ...(tr ? { tracing: tr.tracing, span: tr.span } : {}) });
    replayTargets.set(t.name, {
      trigger: t,
      journal,
      match: (event, j) => matchDependencies(t, event, tlog, j),
      fire: (events, j, replay) => fire({ sensorName: sensor.name, armed, dedup, events, deliveryCount: 1, meters, logger: tlog.child({ replay: replay.id }), signal: o.signal, journal: j, replay, tracing: o.tracing }),
    });

    let onMatch: (events: FiredEvents, delivery: Delivery, tr: DeliveryTrace | undefined) => Promise<void>;
    if (t.stateful) {
      const { state, purged } = await TriggerConditionState.open(kv!, t.name, t.specHash);
      if (purged) tlog.info({ purged }, "trigger spec changed: saved partial condition state purged");
      // One event at a time through the condition: the state is read, extended and cleared as a unit.
      const mutex = new Mutex();
      for (const reset of t.resets) {
        const dropped = await state.dropSavedBefore(reset.previous(new Date()));
        if (dropped) tlog.info({ dropped, cron: reset.cron }, "conditionsReset passed while the sensor was down: saved events dropped");
        reset.schedule(o.signal, () =>
          void mutex.run(async () => {
            await state.clear();
            meters.resets.inc();
            tlog.info({ cron: reset.cron }, "conditionsReset: saved dependency events cleared");
          }),
        );
      }
      onMatch = (events, d, tr) =>
        mutex.run(async () => {
          for (const dep of Object.keys(events)) state.offer(dep, { event: d.event, sequence: d.sequence, savedAt: Date.now() });
          const satisfied = evaluate(t.condition, state.dependencies());
          journal.condition(d.event, satisfied, [...state.dependencies()], depNames);
          if (tr) conditionSpan(tr.tracing, tr.span, d.event, t.name, satisfied, [...state.dependencies()], depNames);
          if (!satisfied) {
            for (const dep of Object.keys(events)) await state.persist(dep);
            meters.waiting.inc();
            tlog.info({ eventId: d.event.id, have: [...state.dependencies()], ...logFields(tr?.span) }, "condition not satisfied yet; event saved");
            return;
          }
          // Fire before clearing: a crash mid-firing redelivers this event and finds the others still saved.
          await fireWith(state.events(), d.deliveryCount, tr);
          await state.clear();
        });
    } else {
      // orderingKey: same key → one after another, in delivery order; different keys run concurrently.
      const ordered = t.spec.orderingKey ? new KeyedMutex() : undefined;
      const slowVerdicts = new SlowFiringVerdicts(MATCHED_RECORD_DELAY_MS);
      const orderingKey = t.spec.orderingKey;
      onMatch = async (events, d, tr) => {
        const end = journal.enabled ? slowVerdicts.start(() => Object.keys(events).forEach((dep) => journal.dependency(d.event, dep, true))) : undefined;
        const firing = ordered ? ordered.run(orderingValue(d.event.data, orderingKey!), () => fireWith(events, d.deliveryCount, tr)) : fireWith(events, d.deliveryCount, tr);
        if (end) void firing.then(end, end);
        if (t.atLeastOnce) {
          await firing;
        } else {
          // Explicit atLeastOnce: false: fire-and-forget, acknowledged at once (Argo's default).
          const p = firing.catch(() => undefined).finally(() => background.delete(p));
          background.add(p);
        }
      };
    }

    const durable = `sensor.${sensor.name}.${t.name}`;
    const sub = await o.bus.subscribe(
      {
        durable,
        events: t.dependencies.map((d) => ({ eventSourceName: d.eventSourceName, eventName: d.eventName })),
        maxInFlight: t.spec.concurrency ?? o.concurrency ?? 32,
      },
      async (d) => {
        meters.received.inc();
        if (!o.tracing) {
          const { events } = await matchDependencies(t, d.event, tlog, journal, undefined, t.stateful);
          if (Object.keys(events).length === 0) {
            meters.filtered.inc();
            return;
          }
          return onMatch(events, d, undefined);
        }
        const tr = { tracing: o.tracing, span: processSpan(o.tracing, d.event, { sensor: sensor.name, trigger: t.name, durable, deliveryCount: d.deliveryCount, sequence: d.sequence }) };
        try {
          const { events } = await matchDependencies(t, d.event, tlog, journal, tr, t.stateful);
          const matched = Object.keys(events).length > 0;
          tr.span.setAttributes({ "impulse.matched": matched });
          if (!matched) {
            meters.filtered.inc();
            return;
          }
          await onMatch(events, d, tr);
        } catch (e) {
          tr.span.fail(errorMessage(e), (e as { code?: string }).code ?? (e as Error)?.name);
          throw e;
        } finally {
          tr.span.end();
        }
      },
    );
    subs.set(t.name, sub);
  }
  // `impulse events replay/redrive` reach this Sensor here (one replica answers each request).
  const control = await o.bus.respond(["sensor", sensor.name, "replay"], (req) => handleReplay(sensor, replayTargets, req));
  // A stop signal that came while subscribing: say nothing is ready, the shutdown below stops what started.
  if (!o.signal.aborted) log.info({ triggers: sensor.triggers.map((t) => t.name) }, "sensor ready");

  const done = new Promise<void>((resolve) => {
    const stop = async () => {
      await control.stop();
      await Promise.allSettled([...subs.values()].map((s) => s.stop()));
      await Promise.allSettled([...background]);
      resolve();
    };
    if (o.signal.aborted) void stop();
    else o.signal.addEventListener("abort", () => void stop(), { once: true });
  });

  return {
    health() {
      const triggers = Object.fromEntries([...subs].map(([n, s]) => [n, s.status()]));
      return { healthy: Object.values(triggers).every((s) => s.active), triggers };
    },
    done,
  };
}
