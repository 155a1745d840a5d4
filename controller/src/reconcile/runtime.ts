// Reconciles an EventSource or a Sensor: validate, find the bus, apply the Deployment and friends, report status.
import type { EventSource, Finding, Sensor } from "@impulse/api";
import { buildEventSource } from "../builders/eventsource.js";
import { buildSensor } from "../builders/sensor.js";
import type { BusConnection, CustomResource, DesiredObject } from "../builders/types.js";
import { validate } from "../builders/validate.js";
import { conditionOf, withReady, type Condition, type ConditionInput } from "../conditions.js";
import { pathFor } from "../kube/client.js";
import { lookupBus } from "./bus.js";
import type { ReconcileContext } from "./context.js";
import { applyOwned, deleteOwned, ensureFinalizer, finalize, pruneOwned } from "./owned.js";
import { availability, findingsMessage, writeStatus } from "./status.js";

interface Plan {
  objects: DesiredObject[];
  deploymentName: string;
  replicas: number;
  fields: Record<string, unknown>;
}

type RuntimeKind = "EventSource" | "Sensor";

function plan(ctx: ReconcileContext, kind: RuntimeKind, cr: CustomResource, resource: EventSource | Sensor, bus: BusConnection): Plan {
  if (kind === "EventSource") {
    const p = buildEventSource(cr, resource as EventSource, bus, ctx.options, ctx.options.strategyOf, ctx.options.sourceTypes);
    return { ...p, fields: { sourceTypes: p.sourceTypes.join(",") } };
  }
  const sensor = resource as Sensor;
  const p = buildSensor(cr, sensor, bus, ctx.options);
  return { ...p, fields: { dependencyCount: sensor.spec.dependencies.length, triggerCount: sensor.spec.triggers.length } };
}

/** Unknown fields are told once per spec change: when this generation was not seen yet. */
async function warnOnce(ctx: ReconcileContext, cr: CustomResource, warnings: Finding[]): Promise<void> {
  if (cr.status?.["observedGeneration"] === cr.metadata.generation || !warnings.length) return;
  await ctx.recorder.record(cr, "Warning", "UnknownFields", findingsMessage(warnings));
}

export async function reconcileRuntime(ctx: ReconcileContext, kind: RuntimeKind, namespace: string, name: string): Promise<void> {
  const cr = await ctx.kube.get<CustomResource>(pathFor(kind, namespace, name));
  if (!cr) {
    // Gone without our finalizer (removed by hand, or created while the controller was down): collect the leftovers.
    const n = await deleteOwned(ctx, kind, namespace, name);
    if (n) ctx.log.info({ kind, namespace, name, deleted: n }, "deleted objects of a vanished resource");
    return;
  }
  if (cr.metadata.deletionTimestamp) return finalize(ctx, kind, cr);
  await ensureFinalizer(ctx, cr);

  const v = validate<EventSource | Sensor>(cr, ctx.options.policy);
  if (!v.ok) {
    // Keep what runs: a bad edit must not take down a working EventSource. Ready says why nothing changed.
    const running = conditionOf(cr.status?.["conditions"] as Condition[] | undefined, "Deployed")?.status === "True";
    const message = findingsMessage(v.findings) + (running ? " (the last valid spec keeps running)" : "");
    return writeStatus(ctx, cr, [{ type: "Ready", status: "False", reason: v.reason, message }]);
  }
  const busName = v.resource.spec.eventBusName;
  const bus = await lookupBus(ctx, namespace, busName);
  if (!bus.connection) {
    await warnOnce(ctx, cr, v.warnings);
    const waiting: ConditionInput = { type: "Deployed", status: "False", reason: "WaitingForEventBus", message: `nothing deployed until EventBus ${busName} has a connection` };
    return writeStatus(ctx, cr, withReady([bus.condition, waiting], { reason: "Available", message: "" }));
  }
  const p = plan(ctx, kind, cr, v.resource, bus.connection);
  await warnOnce(ctx, cr, v.warnings);
  const live = await applyOwned(ctx, cr, p.objects);
  await pruneOwned(ctx, kind, cr, p.objects);
  const deployed: ConditionInput = { type: "Deployed", status: "True", reason: "Deployed", message: `Deployment ${p.deploymentName} is up to date` };
  const available = availability(live.get(`Deployment/${p.deploymentName}`), p.replicas, "Deployment");
  const conditions = withReady([bus.condition, deployed, available], { reason: available.reason, message: available.message });
  await writeStatus(ctx, cr, conditions, p.fields);
}
