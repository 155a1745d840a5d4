// Reconciles an EventBus: a managed NATS JetStream (StatefulSet, Services, config, auth Secret) or an exotic connection.
import type { EventBus } from "@impulse/api";
import { busAuthSecret, buildEventBus, checkEventBus } from "../builders/eventbus.js";
import type { CustomResource } from "../builders/types.js";
import { validate } from "../builders/validate.js";
import { conditionOf, withReady, type Condition } from "../conditions.js";
import { pathFor } from "../kube/client.js";
import type { ReconcileContext } from "./context.js";
import { applyOwned, createOnce, deleteOwned, ensureFinalizer, finalize, pruneOwned } from "./owned.js";
import { availability, findingsMessage, writeStatus } from "./status.js";

export async function reconcileEventBus(ctx: ReconcileContext, namespace: string, name: string): Promise<void> {
  const cr = await ctx.kube.get<CustomResource>(pathFor("EventBus", namespace, name));
  if (!cr) {
    await deleteOwned(ctx, "EventBus", namespace, name);
    return;
  }
  if (cr.metadata.deletionTimestamp) return finalize(ctx, "EventBus", cr);
  await ensureFinalizer(ctx, cr);

  const v = validate<EventBus>(cr, ctx.options.policy);
  const findings = v.ok ? checkEventBus(v.resource) : v.findings;
  if (!v.ok || findings.length) {
    const running = conditionOf(cr.status?.["conditions"] as Condition[] | undefined, "Deployed")?.status === "True";
    const message = findingsMessage(findings) + (running ? " (the last valid spec keeps running)" : "");
    return writeStatus(ctx, cr, [{ type: "Ready", status: "False", reason: "InvalidSpec", message }]);
  }
  if (v.warnings.length && cr.status?.["observedGeneration"] !== cr.metadata.generation)
    await ctx.recorder.record(cr, "Warning", "UnknownFields", findingsMessage(v.warnings));

  const plan = buildEventBus(cr, v.resource, ctx.options);
  const config = { jetstream: plan.connection };
  if (!plan.statefulSetName) {
    // Exotic: nothing to run; whether that NATS is reachable shows in the runtimes' health, not here.
    await pruneOwned(ctx, "EventBus", cr, []);
    const exotic = { type: "Deployed", status: "True" as const, reason: "Exotic", message: `uses the existing NATS at ${plan.connection.url}` };
    return writeStatus(ctx, cr, withReady([exotic], { reason: "Exotic", message: exotic.message }), { config });
  }
  // The token is generated once: rewriting it would cut every connected client off.
  await createOnce(ctx, cr, busAuthSecret(cr, plan.authSecretName!, ctx.token()));
  const live = await applyOwned(ctx, cr, plan.objects);
  await pruneOwned(ctx, "EventBus", cr, [...plan.objects, busAuthSecret(cr, plan.authSecretName!, "")]);
  const deployed = { type: "Deployed", status: "True" as const, reason: "Deployed", message: `StatefulSet ${plan.statefulSetName} is up to date` };
  const available = availability(live.get(`StatefulSet/${plan.statefulSetName}`), plan.replicas, "StatefulSet");
  await writeStatus(ctx, cr, withReady([deployed, available], { reason: available.reason, message: available.message }), { config });
}
