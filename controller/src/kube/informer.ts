// A list+watch cache of one kind: relists on 410 Gone or errors, tells a handler about every change (deletes included).
import { KubeHttpError, listPages, watch, type KubeObject } from "@impulse/eventsource";
import type { KubeConfig } from "@kubernetes/client-node";
import type { Logger } from "pino";
import { setTimeout as sleep } from "node:timers/promises";

export type InformerEvent = "ADDED" | "MODIFIED" | "DELETED";

export interface InformerOptions {
  kubeConfig: KubeConfig;
  /** Collection path, e.g. /apis/impulse.dev/v1alpha1/eventsources or .../namespaces/team/eventsources. */
  path: string;
  labelSelector?: string;
  logger: Logger;
  onEvent: (type: InformerEvent, obj: KubeObject) => void;
  /** Server-side watch timeout; the watch is then resumed from the last resourceVersion. */
  watchTimeoutSeconds?: number;
}

const keyOf = (o: KubeObject) => `${o.metadata.namespace ?? ""}/${o.metadata.name}`;

export class Informer {
  private readonly store = new Map<string, KubeObject>();
  private syncedOnce = false;
  private failing: string | undefined;

  constructor(private readonly o: InformerOptions) {}

  /** True once the first list completed (the cache then holds every object). */
  get synced(): boolean {
    return this.syncedOnce;
  }

  /** The last list or watch error while it keeps failing, for /healthz. */
  get error(): string | undefined {
    return this.failing;
  }

  list(): KubeObject[] {
    return [...this.store.values()];
  }

  get(namespace: string, name: string): KubeObject | undefined {
    return this.store.get(`${namespace}/${name}`);
  }

  async run(signal: AbortSignal): Promise<void> {
    const log = this.o.logger.child({ watch: this.o.path });
    let failures = 0;
    while (!signal.aborted) {
      try {
        const items: KubeObject[] = [];
        let resourceVersion = "";
        for await (const page of listPages(this.o.kubeConfig, this.o.path, this.o.labelSelector ?? "", signal)) {
          items.push(...page.items);
          resourceVersion = page.resourceVersion;
        }
        this.replace(items);
        this.syncedOnce = true;
        this.failing = undefined;
        failures = 0;
        let rv = resourceVersion;
        // Watch until the server expires our resourceVersion (relist) or something fails (back off, relist).
        for (;;) {
          let gone = false;
          for await (const ev of watch(this.o.kubeConfig, this.o.path, { resourceVersion: rv, labelSelector: this.o.labelSelector ?? "", timeoutSeconds: this.o.watchTimeoutSeconds ?? 300 }, signal)) {
            if (ev.type === "ERROR") {
              if (ev.object.code === 410) gone = true;
              else throw new Error(`watch error: ${ev.object.message ?? JSON.stringify(ev.object)}`);
              break;
            }
            rv = ev.object.metadata.resourceVersion;
            if (ev.type === "BOOKMARK") continue;
            this.apply(ev.type, ev.object);
          }
          if (gone || signal.aborted) break;
        }
      } catch (e) {
        if (signal.aborted) break;
        if (e instanceof KubeHttpError && e.gone) continue;
        failures++;
        this.failing = (e as Error).message;
        const delay = Math.min(30_000, 500 * 2 ** Math.min(failures, 6));
        log.warn({ err: this.failing, retryInMs: delay }, "list/watch failed");
        await sleep(delay, undefined, { signal }).catch(() => undefined);
      }
    }
  }

  private apply(type: InformerEvent, obj: KubeObject): void {
    if (type === "DELETED") this.store.delete(keyOf(obj));
    else this.store.set(keyOf(obj), obj);
    this.o.onEvent(type, obj);
  }

  /** After a (re)list: everything listed is reported (a resync), and what vanished meanwhile is reported deleted. */
  private replace(items: KubeObject[]): void {
    const seen = new Set(items.map(keyOf));
    for (const [key, obj] of this.store) if (!seen.has(key)) this.apply("DELETED", obj);
    for (const item of items) this.apply(this.store.has(keyOf(item)) ? "MODIFIED" : "ADDED", item);
  }
}
