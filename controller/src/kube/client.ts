// The controller's Kubernetes requests: get, create, server-side apply, merge patch, delete, list — raw JSON over client-node's auth.
import { KubeHttpError } from "@impulse/eventsource";
import { HttpMethod, RequestContext, type KubeConfig } from "@kubernetes/client-node";
import { fetch } from "undici";
import { MANAGER } from "../meta.js";

export { KubeHttpError };

export interface Obj {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    uid?: string;
    resourceVersion?: string;
    generation?: number;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    ownerReferences?: { kind: string; name: string; uid: string; controller?: boolean }[];
    finalizers?: string[];
    deletionTimestamp?: string;
  };
  [field: string]: unknown;
}

/** Where each kind the controller touches lives (no discovery: the set is fixed). */
const RESOURCES: Record<string, { apiVersion: string; plural: string }> = {
  Deployment: { apiVersion: "apps/v1", plural: "deployments" },
  StatefulSet: { apiVersion: "apps/v1", plural: "statefulsets" },
  Service: { apiVersion: "v1", plural: "services" },
  ConfigMap: { apiVersion: "v1", plural: "configmaps" },
  Secret: { apiVersion: "v1", plural: "secrets" },
  ServiceAccount: { apiVersion: "v1", plural: "serviceaccounts" },
  Event: { apiVersion: "v1", plural: "events" },
  EventBus: { apiVersion: "impulse.dev/v1alpha1", plural: "eventbuses" },
  EventSource: { apiVersion: "impulse.dev/v1alpha1", plural: "eventsources" },
  Sensor: { apiVersion: "impulse.dev/v1alpha1", plural: "sensors" },
};

/** The collection path (namespace "" = all namespaces) or, with a name, the object path. */
export function pathFor(kind: string, namespace: string, name?: string, subresource?: string): string {
  const r = RESOURCES[kind];
  if (!r) throw new Error(`unknown kind ${kind}`);
  const base = r.apiVersion.includes("/") ? `/apis/${r.apiVersion}` : `/api/${r.apiVersion}`;
  const ns = namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${ns}/${r.plural}${name !== undefined ? `/${encodeURIComponent(name)}` : ""}${subresource ? `/${subresource}` : ""}`;
}

const METHODS = { GET: HttpMethod.GET, POST: HttpMethod.POST, PATCH: HttpMethod.PATCH, DELETE: HttpMethod.DELETE, PUT: HttpMethod.PUT } as const;

export class Kube {
  constructor(
    private readonly kc: KubeConfig,
    private readonly timeoutMs = 30_000,
  ) {}

  get kubeConfig(): KubeConfig {
    return this.kc;
  }

  async request<T>(method: keyof typeof METHODS, path: string, o: { body?: unknown; contentType?: string; query?: Record<string, string> } = {}): Promise<T> {
    const cluster = this.kc.getCurrentCluster();
    if (!cluster) throw new Error("no Kubernetes cluster configured");
    const url = new URL(cluster.server.replace(/\/$/, "") + path);
    for (const [k, v] of Object.entries(o.query ?? {})) url.searchParams.set(k, v);
    const ctx = new RequestContext(url.toString(), METHODS[method]);
    await this.kc.applySecurityAuthentication(ctx);
    const headers: Record<string, string> = { ...ctx.getHeaders(), accept: "application/json", "user-agent": MANAGER };
    if (o.body !== undefined) headers["content-type"] = o.contentType ?? "application/json";
    const res = await fetch(url, {
      method,
      headers,
      dispatcher: ctx.getDispatcher() as never,
      signal: AbortSignal.timeout(this.timeoutMs),
      ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
    });
    const text = await res.text();
    if (res.status < 200 || res.status >= 300) {
      let message = text;
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? text;
      } catch {
        // not a Status object: keep the text
      }
      throw new KubeHttpError(res.status, `${method} ${path}: HTTP ${res.status}: ${message.slice(0, 1000)}`);
    }
    return (text ? JSON.parse(text) : {}) as T;
  }

  /** The object, or undefined when it does not exist. */
  async get<T = Obj>(path: string): Promise<T | undefined> {
    try {
      return await this.request<T>("GET", path);
    } catch (e) {
      if (e instanceof KubeHttpError && e.status === 404) return undefined;
      throw e;
    }
  }

  /** Creates the object; undefined when one of that name exists already. */
  async create<T = Obj>(collection: string, body: unknown): Promise<T | undefined> {
    try {
      return await this.request<T>("POST", collection, { body });
    } catch (e) {
      if (e instanceof KubeHttpError && e.status === 409) return undefined;
      throw e;
    }
  }

  /**
   * Server-side apply as the controller's field manager. `force` takes over fields another manager set (a user's
   * kubectl edit of a managed Deployment is undone, as with any controller).
   */
  apply<T = Obj>(path: string, body: unknown, force = true): Promise<T> {
    return this.request<T>("PATCH", path, { body, contentType: "application/apply-patch+yaml", query: { fieldManager: MANAGER, ...(force ? { force: "true" } : {}) } });
  }

  mergePatch<T = Obj>(path: string, patch: unknown): Promise<T> {
    return this.request<T>("PATCH", path, { body: patch, contentType: "application/merge-patch+json", query: { fieldManager: MANAGER } });
  }

  /** Deletes (background propagation); false when it was already gone. */
  async delete(path: string): Promise<boolean> {
    try {
      await this.request("DELETE", path, { body: { kind: "DeleteOptions", apiVersion: "v1", propagationPolicy: "Background" } });
      return true;
    } catch (e) {
      if (e instanceof KubeHttpError && e.status === 404) return false;
      throw e;
    }
  }

  async list<T = Obj>(collection: string, labelSelector: string): Promise<T[]> {
    const out: T[] = [];
    let cont = "";
    do {
      const page = await this.request<{ items: T[]; metadata: { continue?: string } }>("GET", collection, { query: { labelSelector, limit: "500", ...(cont ? { continue: cont } : {}) } });
      out.push(...page.items);
      cont = page.metadata.continue ?? "";
    } while (cont);
    return out;
  }
}
