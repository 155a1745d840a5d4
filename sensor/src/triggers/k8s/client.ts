// A small dynamic Kubernetes client over @kubernetes/client-node's transport: raw JSON for any kind, discovery cached.
import { ErrorCodes, errorMessage, ImpulseError } from "@impulse/api";
import type { Configuration, HttpMethod, KubeConfig } from "@kubernetes/client-node";

/** An object as the API server returns it (only the fields the trigger reads are typed). */
export interface KubeObject {
  apiVersion: string;
  kind: string;
  metadata: { name?: string; generateName?: string; namespace?: string; labels?: Record<string, string>; resourceVersion?: string; [k: string]: unknown };
  [k: string]: unknown;
}

/** Where an object lives: the resource (plural) from discovery, and whether it is namespaced. */
export interface ResourceInfo {
  apiVersion: string;
  kind: string;
  plural: string;
  namespaced: boolean;
}

/** An error answer of the API server: the status and the server's own message. */
export class KubeApiError extends ImpulseError {
  constructor(
    readonly status: number,
    readonly reason: string | undefined,
    message: string,
  ) {
    super(ErrorCodes.TriggerFailed, message, { retryable: retryableStatus(status) });
    this.name = "KubeApiError";
  }
}

/**
 * Whether the same request may succeed later. RBAC denials, invalid objects, missing kinds or objects and bad patches
 * will not (Argo's IsRetryableKubeAPIError agrees); conflicts, throttling and server errors may.
 */
export function retryableStatus(status: number): boolean {
  return status === 408 || status === 409 || status === 429 || status >= 500;
}

/** Turns a Status body into "Reason: message" (the API server's words), falling back to the raw text. */
export function statusMessage(status: number, body: string): { reason: string | undefined; message: string } {
  try {
    const s = JSON.parse(body) as { kind?: string; reason?: string; message?: string };
    if (s.kind === "Status" && s.message) return { reason: s.reason, message: `${status} ${s.reason ?? ""}: ${s.message}`.replace(" :", ":") };
  } catch {
    /* not JSON */
  }
  return { reason: undefined, message: `${status}: ${body.slice(0, 500) || "(empty response)"}` };
}

/** `v1` → /api/v1, `batch/v1` → /apis/batch/v1. */
export function apiVersionPath(apiVersion: string): string {
  return apiVersion.includes("/") ? `/apis/${apiVersion}` : `/api/${apiVersion}`;
}

/** Gives the generated client's Configuration (server, TLS, auth) to code that builds its own requests. */
class ConfigurationHolder {
  constructor(readonly configuration: Configuration) {}
}

export interface RequestOptions {
  body?: unknown;
  contentType?: string;
  query?: Record<string, string>;
  /** Words for error messages, e.g. "create ConfigMap team-a/orders". */
  what: string;
}

export class KubeClient {
  private readonly configuration: Configuration;
  private readonly discovery = new Map<string, Promise<Map<string, ResourceInfo>>>();
  /** The kubeconfig context's namespace (in a pod: the service account's), if any. */
  readonly contextNamespace: string | undefined;

  constructor(
    kc: KubeConfig,
    private readonly signal: AbortSignal,
    private readonly timeoutMs = 30_000,
  ) {
    this.configuration = kc.makeApiClient(ConfigurationHolder).configuration;
    this.contextNamespace = kc.getContextObject(kc.getCurrentContext())?.namespace || undefined;
  }

  /** Finds the resource for a kind; the list of an apiVersion is cached and fetched again once on a miss (a CRD installed later). */
  async resourceFor(apiVersion: string, kind: string): Promise<ResourceInfo> {
    for (let fresh = false; ; fresh = true) {
      let list = this.discovery.get(apiVersion);
      if (!list || fresh) {
        list = this.discover(apiVersion);
        this.discovery.set(apiVersion, list);
        list.catch(() => this.discovery.delete(apiVersion));
      }
      const found = (await list).get(kind);
      if (found) return found;
      if (fresh)
        throw new ImpulseError(ErrorCodes.TriggerFailed, `the API server has no kind ${kind} in ${apiVersion} (check apiVersion and kind, or install the CRD)`);
    }
  }

  private async discover(apiVersion: string): Promise<Map<string, ResourceInfo>> {
    const list = await this.request<{ resources: { name: string; kind: string; namespaced: boolean }[] }>("GET", apiVersionPath(apiVersion), {
      what: `discover ${apiVersion}`,
    });
    const out = new Map<string, ResourceInfo>();
    // Subresources (pods/status) share the kind: keep the top-level resource.
    for (const r of list.resources) if (!r.name.includes("/")) out.set(r.kind, { apiVersion, kind: r.kind, plural: r.name, namespaced: r.namespaced });
    return out;
  }

  /** The collection path (name omitted) or the object path. */
  path(r: ResourceInfo, namespace: string | undefined, name?: string): string {
    const ns = r.namespaced && namespace ? `/namespaces/${encodeURIComponent(namespace)}` : "";
    return `${apiVersionPath(r.apiVersion)}${ns}/${r.plural}${name !== undefined ? `/${encodeURIComponent(name)}` : ""}`;
  }

  async request<T>(method: HttpMethod, path: string, o: RequestOptions): Promise<T> {
    const ctx = this.configuration.baseServer.makeRequestContext(path, method);
    ctx.setHeaderParam("Accept", "application/json");
    ctx.setHeaderParam("User-Agent", "impulse-sensor");
    for (const [k, v] of Object.entries(o.query ?? {})) ctx.setQueryParam(k, v);
    if (o.body !== undefined) {
      ctx.setHeaderParam("Content-Type", o.contentType ?? "application/json");
      ctx.setBody(JSON.stringify(o.body));
    }
    ctx.setSignal(AbortSignal.any([this.signal, AbortSignal.timeout(this.timeoutMs)]));
    let status: number;
    let text: string;
    try {
      await this.configuration.authMethods.default?.applySecurityAuthentication(ctx);
      const res = await this.configuration.httpApi.send(ctx).toPromise();
      status = res.httpStatusCode;
      text = await res.body.text();
    } catch (e) {
      if (this.signal.aborted) throw e;
      const timedOut = /timeout|aborted/i.test(`${(e as Error).name} ${errorMessage(e)}`);
      const cause = (e as { cause?: unknown }).cause;
      const detail = cause ? `${errorMessage(e)} (${errorMessage(cause)})` : errorMessage(e);
      throw new ImpulseError(timedOut ? ErrorCodes.TriggerTimeout : ErrorCodes.TriggerFailed, `${o.what}: ${timedOut ? `no answer within ${this.timeoutMs} ms` : detail}`, {
        retryable: true,
        cause: e,
      });
    }
    if (status >= 200 && status < 300) return (text ? JSON.parse(text) : {}) as T;
    const { reason, message } = statusMessage(status, text);
    throw new KubeApiError(status, reason, `${o.what}: ${message}`);
  }
}
