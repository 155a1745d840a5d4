// Watches one resource for one event name: list, then watch with bookmarks; resumes from the KV checkpoint and relists on 410.
import type { ResourceConfig, ResourceEventType } from "@impulse/api";
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { setTimeout as sleep } from "node:timers/promises";
import type { Emit } from "../../define.js";
import type { EventSourceMetrics } from "../../metrics.js";
import { compileObjectFilter, labelSelectorString } from "./filters.js";
import { eventFingerprint, isKubeEventResource } from "./kube-events.js";
import { collectionPath, KubeHttpError, listPages, watch, type KubeObject } from "../../kube-http.js";
import { compactBody, type KnownObjects } from "./known.js";

export interface WatcherOptions {
  eventSourceName: string;
  eventName: string;
  config: ResourceConfig;
  kubeConfig: KubeConfig;
  known: KnownObjects;
  emit: Emit;
  metrics: EventSourceMetrics;
  logger: Logger;
  /** Reports whether the watch is attached (for health). */
  onState: (attached: boolean, error?: string) => void;
  now?: () => number;
}

const WATCH_TYPES = { ADDED: "ADD", MODIFIED: "UPDATE", DELETED: "DELETE" } as const;
const MAX_BACKOFF_MS = 30_000;

export async function runWatcher(o: WatcherOptions, signal: AbortSignal): Promise<void> {
  const { config: cfg, known } = o;
  const now = o.now ?? Date.now;
  const path = collectionPath(cfg.group, cfg.version, cfg.resource, cfg.namespace);
  const labelSelector = labelSelectorString(cfg.filter?.labels);
  const passes = compileObjectFilter(cfg.filter, now());
  const wanted = new Set<ResourceEventType>(cfg.eventTypes);
  const keepBodies = wanted.has("UPDATE");
  const kubeEvents = isKubeEventResource(cfg.group, cfg.resource);
  const received = o.metrics.received.labels({ eventsource: o.eventSourceName, event: o.eventName });
  const log = o.logger.child({ eventName: o.eventName });

  /** Publishes one change if wanted and filtered in, then records the object; per-object order is the watch's order. */
  async function apply(type: ResourceEventType, obj: KubeObject, oldBody: unknown): Promise<void> {
    const { uid, resourceVersion: rv, name, namespace } = obj.metadata;
    if (cfg.filter?.prefix && !name.startsWith(cfg.filter.prefix)) return; // names never change: no need to track it
    const prev = known.get(uid);
    if (type !== "DELETE" && prev?.rv === rv) return; // a resync or a replay of something already handled
    const fp = kubeEvents ? eventFingerprint(obj) : undefined;
    const repeat = type === "UPDATE" && fp !== undefined && prev?.fp === fp;
    received.inc();
    if (wanted.has(type) && !repeat) {
      const verdict = passes(type, obj, now());
      if (verdict.pass) {
        const data = { type, body: obj, oldBody: type === "UPDATE" ? oldBody : null, group: cfg.group, version: cfg.version, resource: cfg.resource, ...(cfg.metadata ? { metadata: cfg.metadata } : {}) };
        // A stable id per object version and change: a re-emission after a crash is dropped by the bus's duplicate window.
        await o.emit({ eventName: o.eventName, id: `${o.eventSourceName}:${o.eventName}:${uid}:${rv}:${type}`, data });
      } else log.debug({ object: `${namespace ?? ""}/${name}`, type, reason: verdict.reason }, "filtered out");
    } else if (repeat) log.debug({ object: `${namespace ?? ""}/${name}` }, "repeat of a known Event");
    if (type === "DELETE") await known.forget(uid);
    else await known.set(uid, { rv, name, ...(namespace ? { namespace } : {}), ...(fp ? { fp } : {}), ...(keepBodies ? { body: compactBody(obj) } : {}) });
  }

  const previousBody = async (uid: string): Promise<unknown> => (keepBodies ? ((await known.body(uid)) ?? null) : null);

  /** Lists everything and publishes the difference from what is known: what changed while nobody watched. */
  async function relist(): Promise<string> {
    const seen = new Set<string>();
    let resourceVersion = "";
    for await (const page of listPages(o.kubeConfig, path, labelSelector, signal)) {
      resourceVersion = page.resourceVersion;
      for (const obj of page.items) {
        seen.add(obj.metadata.uid);
        const prev = known.get(obj.metadata.uid);
        if (!prev) await apply("ADD", obj, null);
        else if (prev.rv !== obj.metadata.resourceVersion) await apply("UPDATE", obj, await previousBody(obj.metadata.uid));
      }
    }
    for (const [uid, gone] of [...known.entries()]) {
      if (seen.has(uid)) continue;
      // Deleted while nobody watched: the last known version stands in for the object.
      const body = (keepBodies ? await known.body(uid) : undefined) ?? ({ metadata: { name: gone.name, namespace: gone.namespace, uid, resourceVersion: gone.rv } } as KubeObject);
      body.metadata.deletionTimestamp ??= new Date(now()).toISOString();
      await apply("DELETE", body, null);
    }
    log.info({ objects: seen.size, resourceVersion }, "listed");
    return resourceVersion;
  }

  let backoffMs = 0;
  while (!signal.aborted) {
    try {
      let rv = known.checkpoint;
      if (!rv) {
        rv = await relist();
        known.advance(rv);
      }
      o.onState(true);
      for await (const ev of watch(o.kubeConfig, path, { resourceVersion: rv, labelSelector, timeoutSeconds: 240 + Math.floor(Math.random() * 60) }, signal)) {
        if (ev.type === "ERROR") throw new KubeHttpError(ev.object.code ?? 500, `watch ${path}: ${ev.object.message ?? "error"}`);
        if (ev.type !== "BOOKMARK") {
          const type = WATCH_TYPES[ev.type];
          await apply(type, ev.object, type === "UPDATE" ? await previousBody(ev.object.metadata.uid) : null);
        }
        known.advance(ev.object.metadata.resourceVersion);
        backoffMs = 0;
      }
      // The server ended the watch (timeoutSeconds): resume from the checkpoint.
    } catch (e) {
      if (signal.aborted) break;
      if (e instanceof KubeHttpError && e.gone) {
        log.info({ path }, "resourceVersion expired (410 Gone): relisting");
        known.resetCheckpoint();
        continue;
      }
      backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs ? backoffMs * 2 : 500);
      const message = (e as Error).message;
      o.onState(false, message);
      o.metrics.failed.labels({ eventsource: o.eventSourceName, event: o.eventName, reason: "watch_error" }).inc();
      log.warn({ err: message, retryInMs: backoffMs }, "watch failed; retrying");
      await sleep(backoffMs * (0.5 + Math.random() / 2), undefined, { signal }).catch(() => undefined);
    }
  }
  o.onState(false);
}
