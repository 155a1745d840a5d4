// The k8s trigger's operations against the API server: create (idempotent), update, patch, delete.
import { ErrorCodes, ImpulseError, K8S_PATCH_STRATEGIES, type K8sPatchStrategy, type K8sTriggerTemplate } from "@impulse/api";
import { KubeApiError, type KubeClient, type KubeObject, type ResourceInfo } from "./client.js";
import { LABEL_IDEMPOTENCY, mergeObjects, requireName, withLabels } from "./object.js";

/** What happened, for logs, the policy and the firing record. */
export type K8sAction = "created" | "found-existing" | "updated" | "patched" | "deleted" | "already-absent";

export interface K8sResult {
  action: K8sAction;
  kind: string;
  apiVersion: string;
  namespace: string | undefined;
  name: string;
  /** Set when policy.k8s waited for labels. */
  policy?: { satisfied: boolean; missing: string[] };
}

/** Field manager for server-side apply and the audit trail. */
export const FIELD_MANAGER = "impulse-sensor";

export interface Target {
  client: KubeClient;
  resource: ResourceInfo;
  /** Undefined for cluster-scoped kinds. */
  namespace: string | undefined;
  /** Labels for objects this trigger creates (sensor, trigger, timestamp, idempotency key). */
  labels: Record<string, string>;
}

function describeRef(t: Target, name: string | undefined): string {
  return `${t.resource.kind} ${t.namespace ? `${t.namespace}/` : ""}${name ?? "(generateName)"}`;
}

function result(action: K8sAction, t: Target, obj: KubeObject): K8sResult {
  return { action, kind: t.resource.kind, apiVersion: t.resource.apiVersion, namespace: t.namespace, name: obj.metadata.name ?? "" };
}

const is = (e: unknown, status: number) => e instanceof KubeApiError && e.status === status;

/**
 * Creates the object with the creation labels. A redelivered firing must not create a second object: with
 * generateName it first looks for an object carrying its idempotency label; with a fixed name, AlreadyExists on an
 * object with the same label means this firing already created it.
 */
export async function create(t: Target, obj: KubeObject): Promise<K8sResult> {
  const key = t.labels[LABEL_IDEMPOTENCY]!;
  const name = obj.metadata.name || undefined;
  const what = describeRef(t, name);
  if (!name) {
    if (!obj.metadata.generateName) throw new ImpulseError(ErrorCodes.InvalidSpec, `create ${t.resource.kind}: set metadata.name or metadata.generateName`);
    const found = await t.client.request<{ items: KubeObject[] }>("GET", t.client.path(t.resource, t.namespace), {
      query: { labelSelector: `${LABEL_IDEMPOTENCY}=${key}`, limit: "1" },
      what: `look for ${what} created by an earlier delivery`,
    });
    if (found.items[0]) return result("found-existing", t, found.items[0]);
  }
  const body = withLabels({ ...obj, metadata: { ...obj.metadata, ...(t.namespace ? { namespace: t.namespace } : {}) } }, t.labels);
  try {
    return result("created", t, await t.client.request<KubeObject>("POST", t.client.path(t.resource, t.namespace), { body, what: `create ${what}` }));
  } catch (e) {
    if (!name || !is(e, 409)) throw e;
    const existing = await t.client.request<KubeObject>("GET", t.client.path(t.resource, t.namespace, name), { what: `read ${what}` });
    if (existing.metadata.labels?.[LABEL_IDEMPOTENCY] === key) return result("found-existing", t, existing);
    throw new ImpulseError(ErrorCodes.TriggerFailed, `${(e as Error).message} (and it was not created by this firing)`, { cause: e });
  }
}

/** Argo's update: read, merge the object over it, replace; creates the object when it does not exist. */
export async function update(t: Target, obj: KubeObject, liveObject: boolean): Promise<K8sResult> {
  const name = requireName(obj, "update");
  const what = describeRef(t, name);
  const path = t.client.path(t.resource, t.namespace, name);
  let body: unknown = obj;
  if (!liveObject) {
    // A live object already is the current state with parameters applied; otherwise merge the source over it.
    let current: KubeObject;
    try {
      current = await t.client.request<KubeObject>("GET", path, { what: `read ${what}` });
    } catch (e) {
      if (is(e, 404)) return create(t, obj);
      throw e;
    }
    body = mergeObjects(current, obj);
  }
  // The body carries the resourceVersion that was read: a concurrent change gives 409 Conflict, retried from the read.
  return result("updated", t, await t.client.request<KubeObject>("PUT", path, { body, what: `update ${what}` }));
}

/** Patches by the chosen strategy; merge and strategic patches create a missing object, as in Argo. */
export async function patch(t: Target, obj: KubeObject, strategy: K8sPatchStrategy | undefined, jsonPatch: K8sTriggerTemplate["jsonPatch"]): Promise<K8sResult> {
  const name = requireName(obj, "patch");
  const what = describeRef(t, name);
  const path = t.client.path(t.resource, t.namespace, name);
  const type = strategy ?? K8S_PATCH_STRATEGIES.merge;
  if (type === K8S_PATCH_STRATEGIES.apply) {
    // Server-side apply creates or updates by itself; force takes over fields other managers set, as a controller would.
    const body = { ...obj, metadata: { ...obj.metadata, ...(t.namespace ? { namespace: t.namespace } : {}) } };
    const out = await t.client.request<KubeObject>("PATCH", path, { body, contentType: type, query: { fieldManager: FIELD_MANAGER, force: "true" }, what: `apply ${what}` });
    return result("patched", t, out);
  }
  const body = type === K8S_PATCH_STRATEGIES.json ? jsonPatch : obj;
  try {
    return result("patched", t, await t.client.request<KubeObject>("PATCH", path, { body, contentType: type, what: `patch ${what}` }));
  } catch (e) {
    // A JSON patch has no object to create from; its 404 stays an error.
    if (is(e, 404) && type !== K8S_PATCH_STRATEGIES.json) return create(t, obj);
    throw e;
  }
}

/** Deletes the object (dependents in the background, so a Job takes its pods); a missing object is not an error. */
export async function remove(t: Target, obj: KubeObject): Promise<K8sResult> {
  const name = requireName(obj, "delete");
  const what = describeRef(t, name);
  try {
    await t.client.request("DELETE", t.client.path(t.resource, t.namespace, name), { body: { propagationPolicy: "Background" }, what: `delete ${what}` });
    return result("deleted", t, obj);
  } catch (e) {
    if (is(e, 404)) return result("already-absent", t, obj);
    throw e;
  }
}
