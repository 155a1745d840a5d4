// Owned objects of a custom resource: apply them (Events for creations and changes), prune leftovers, delete all on cleanup.
import type { DesiredObject, CustomResource } from "../builders/types.js";
import { pathFor, type Obj } from "../kube/client.js";
import { FINALIZER, ownedSelector, type Kind } from "../meta.js";
import type { ReconcileContext } from "./context.js";

/** The kinds each custom resource may own, for pruning and cleanup. */
export const OWNED_KINDS: Record<Kind, readonly string[]> = {
  EventBus: ["StatefulSet", "Service", "ConfigMap", "Secret"],
  EventSource: ["Deployment", "Service", "ServiceAccount"],
  Sensor: ["Deployment", "ServiceAccount"],
};

const ownedBy = (o: Obj, kind: Kind, uid: string | undefined) =>
  (o.metadata.ownerReferences ?? []).some((r) => r.kind === kind && (uid === undefined || r.uid === uid));

/** Applies each object (server-side apply) and returns the live objects, by `Kind/name`. */
export async function applyOwned(ctx: ReconcileContext, cr: CustomResource, objects: DesiredObject[]): Promise<Map<string, Obj>> {
  const live = new Map<string, Obj>();
  for (const obj of objects) {
    const path = pathFor(obj.kind, obj.metadata.namespace, obj.metadata.name);
    const before = await ctx.kube.get(path);
    const after = await ctx.kube.apply(path, obj);
    live.set(`${obj.kind}/${obj.metadata.name}`, after);
    // A no-op apply changes nothing, so only real creations and changes become Events. Workloads are compared by
    // generation: their status moves the resourceVersion on its own.
    const changed = before && (after.metadata.generation !== undefined ? before.metadata.generation !== after.metadata.generation : before.metadata.resourceVersion !== after.metadata.resourceVersion);
    if (!before) await ctx.recorder.record(cr, "Normal", "Created", `Created ${obj.kind} ${obj.metadata.name}`);
    else if (changed) await ctx.recorder.record(cr, "Normal", "Updated", `Updated ${obj.kind} ${obj.metadata.name}`);
  }
  return live;
}

/** Creates an object only if it does not exist (e.g. a generated credential that must never change under its users). */
export async function createOnce(ctx: ReconcileContext, cr: CustomResource, obj: DesiredObject): Promise<void> {
  const path = pathFor(obj.kind, obj.metadata.namespace, obj.metadata.name);
  if (await ctx.kube.get(path)) return;
  if (await ctx.kube.create(pathFor(obj.kind, obj.metadata.namespace), obj)) await ctx.recorder.record(cr, "Normal", "Created", `Created ${obj.kind} ${obj.metadata.name}`);
}

/** Deletes objects this resource made earlier that the current spec no longer wants (e.g. the Service after spec.service was removed). */
export async function pruneOwned(ctx: ReconcileContext, kind: Kind, cr: CustomResource, keep: DesiredObject[]): Promise<void> {
  const wanted = new Set(keep.map((o) => `${o.kind}/${o.metadata.name}`));
  for (const owned of OWNED_KINDS[kind]) {
    const found = await ctx.kube.list(pathFor(owned, cr.metadata.namespace), ownedSelector(kind, cr.metadata.name));
    for (const o of found) {
      if (wanted.has(`${owned}/${o.metadata.name}`) || !ownedBy(o, kind, cr.metadata.uid)) continue;
      if (await ctx.kube.delete(pathFor(owned, cr.metadata.namespace, o.metadata.name)))
        await ctx.recorder.record(cr, "Normal", "Deleted", `Deleted ${owned} ${o.metadata.name}: no longer in the spec`);
    }
  }
}

/**
 * Deletes everything the controller made for a resource. With `uid`, only objects owned by that incarnation; without
 * (the resource is already gone), any object labelled for that name and owned by that kind. Returns how many went.
 */
export async function deleteOwned(ctx: ReconcileContext, kind: Kind, namespace: string, name: string, uid?: string): Promise<number> {
  let deleted = 0;
  for (const owned of OWNED_KINDS[kind]) {
    const found = await ctx.kube.list(pathFor(owned, namespace), ownedSelector(kind, name));
    for (const o of found) if (ownedBy(o, kind, uid) && (await ctx.kube.delete(pathFor(owned, namespace, o.metadata.name)))) deleted++;
  }
  return deleted;
}

/** Adds the cleanup finalizer; the resourceVersion makes it a compare-and-swap (a conflict retries the reconcile). */
export async function ensureFinalizer(ctx: ReconcileContext, cr: CustomResource): Promise<void> {
  const finalizers = cr.metadata.finalizers ?? [];
  if (finalizers.includes(FINALIZER)) return;
  const updated = await ctx.kube.mergePatch<CustomResource>(pathFor(cr.kind, cr.metadata.namespace, cr.metadata.name), {
    metadata: { finalizers: [...finalizers, FINALIZER], resourceVersion: cr.metadata.resourceVersion },
  });
  cr.metadata.resourceVersion = updated.metadata.resourceVersion;
  cr.metadata.finalizers = updated.metadata.finalizers;
}

/** The resource is being deleted: delete what it owns, then let it go. */
export async function finalize(ctx: ReconcileContext, kind: Kind, cr: CustomResource): Promise<void> {
  const finalizers = cr.metadata.finalizers ?? [];
  if (!finalizers.includes(FINALIZER)) return;
  const deleted = await deleteOwned(ctx, kind, cr.metadata.namespace, cr.metadata.name, cr.metadata.uid);
  await ctx.recorder.record(cr, "Normal", "CleanedUp", `Deleted ${deleted} object(s) owned by ${kind} ${cr.metadata.name}`);
  await ctx.kube.mergePatch(pathFor(kind, cr.metadata.namespace, cr.metadata.name), {
    metadata: { finalizers: finalizers.filter((f) => f !== FINALIZER), resourceVersion: cr.metadata.resourceVersion },
  });
  ctx.log.info({ kind, namespace: cr.metadata.namespace, name: cr.metadata.name, deleted }, "cleaned up");
}
