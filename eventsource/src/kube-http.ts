// Minimal Kubernetes HTTP for sources: JSON requests, a paginated list, and a watch stream read with backpressure.
import type { KubeConfig } from "@kubernetes/client-node";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { fetch } from "undici";

/** An object as the API server sends it; only metadata is interpreted. */
export interface KubeObject {
  apiVersion?: string;
  kind?: string;
  metadata: { name: string; namespace?: string; uid: string; resourceVersion: string; creationTimestamp?: string; deletionTimestamp?: string; managedFields?: { time?: string }[] };
  [k: string]: unknown;
}

export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: KubeObject & { code?: number; message?: string; reason?: string };
}

/** An API answer other than 2xx; `gone` (410) means the resourceVersion is too old and a relist is needed. */
export class KubeHttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "KubeHttpError";
  }
  get gone(): boolean {
    return this.status === 410;
  }
}

export function collectionPath(group: string, version: string, resource: string, namespace: string): string {
  const base = group ? `/apis/${group}/${version}` : `/api/${version}`;
  return namespace ? `${base}/namespaces/${encodeURIComponent(namespace)}/${resource}` : `${base}/${resource}`;
}

async function request(kc: KubeConfig, path: string, query: Record<string, string | undefined>, signal: AbortSignal) {
  const url = new URL(path, "http://placeholder");
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== "") url.searchParams.set(k, v);
  return kubeRequest(kc, "GET", url.pathname + url.search, undefined, signal);
}

/**
 * One authenticated request to the API server with a JSON body; non-2xx answers throw KubeHttpError with the
 * server's message. (The typed clients serialise Lease times with milliseconds, which the server refuses.)
 */
export async function kubeRequest(kc: KubeConfig, method: "GET" | "POST" | "PUT", path: string, body: unknown, signal?: AbortSignal) {
  const cluster = kc.getCurrentCluster();
  if (!cluster) throw new Error("no Kubernetes cluster configured");
  const url = cluster.server.replace(/\/$/, "") + path;
  // Loaded by the first request: a process that never talks to Kubernetes never pays for the client's start-up.
  const { HttpMethod, RequestContext } = await import("@kubernetes/client-node");
  const ctx = new RequestContext(url, method === "GET" ? HttpMethod.GET : method === "POST" ? HttpMethod.POST : HttpMethod.PUT);
  await kc.applySecurityAuthentication(ctx);
  const headers = { ...ctx.getHeaders(), ...(body !== undefined ? { "content-type": "application/json" } : {}) };
  const res = await fetch(url, { method, headers, dispatcher: ctx.getDispatcher() as never, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), ...(signal ? { signal } : {}) });
  if (res.status < 200 || res.status >= 300) {
    const text = await res.text().catch(() => "");
    let message = text;
    try {
      message = (JSON.parse(text) as { message?: string }).message ?? text;
    } catch {
      // not a Status object: keep the text
    }
    throw new KubeHttpError(res.status, `${method} ${path}: HTTP ${res.status}: ${message.slice(0, 500)}`);
  }
  return res;
}

/**
 * Lists page by page (500 objects each), so a large collection is never held whole. Every page carries the
 * snapshot's resourceVersion, where a watch resumes.
 */
export async function* listPages(kc: KubeConfig, path: string, labelSelector: string, signal: AbortSignal): AsyncGenerator<{ items: KubeObject[]; resourceVersion: string }> {
  let cont: string | undefined;
  do {
    const res = await request(kc, path, { labelSelector, limit: "500", continue: cont }, signal);
    const page = (await res.json()) as { items: KubeObject[]; metadata: { resourceVersion: string; continue?: string } };
    yield { items: page.items, resourceVersion: page.metadata.resourceVersion };
    cont = page.metadata.continue || undefined;
  } while (cont);
}

/** Watches from a resourceVersion; yields one event at a time, so a slow consumer slows the read (no unbounded queue). */
export async function* watch(kc: KubeConfig, path: string, opts: { resourceVersion: string; labelSelector: string; timeoutSeconds: number }, signal: AbortSignal): AsyncGenerator<WatchEvent> {
  const res = await request(
    kc,
    path,
    { watch: "true", allowWatchBookmarks: "true", resourceVersion: opts.resourceVersion, labelSelector: opts.labelSelector, timeoutSeconds: String(opts.timeoutSeconds) },
    signal,
  );
  if (!res.body) return;
  const lines = createInterface({ input: Readable.fromWeb(res.body as never), crlfDelay: Infinity });
  try {
    for await (const line of lines) {
      if (line.trim() === "") continue;
      yield JSON.parse(line) as WatchEvent;
    }
  } finally {
    lines.close();
  }
}
