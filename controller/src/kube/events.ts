// Kubernetes Events on custom resources, as client-go's EventRecorder: Normal/Warning, a reason, a message; repeats counted.
import { randomBytes } from "node:crypto";
import type { Logger } from "pino";
import { MANAGER } from "../meta.js";
import { KubeHttpError, pathFor, type Kube } from "./client.js";

export type EventType = "Normal" | "Warning";

export interface InvolvedObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace: string; uid: string; resourceVersion?: string };
}

/** Repeats within this window update one Event's count instead of creating another (client-go uses 10 minutes too). */
const AGGREGATE_MS = 10 * 60_000;
const MAX_REMEMBERED = 2000;

/** The MicroTime-free timestamp core/v1 Events use. */
const timestamp = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, "Z");

export class EventRecorder {
  private readonly recent = new Map<string, { name: string; namespace: string; count: number; at: number }>();

  constructor(
    private readonly kube: Kube,
    /** This controller replica (pod name), shown as the reporting instance. */
    private readonly instance: string,
    private readonly log: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Records one Event; never throws (an Event that cannot be written must not fail a reconcile). */
  async record(obj: InvolvedObject, type: EventType, reason: string, message: string): Promise<void> {
    const text = message.length > 1024 ? `${message.slice(0, 1021)}...` : message;
    const key = [obj.metadata.uid, type, reason, text].join("\u0000");
    const now = this.now();
    try {
      const seen = this.recent.get(key);
      if (seen && now.getTime() - seen.at < AGGREGATE_MS) {
        try {
          await this.kube.mergePatch(pathFor("Event", seen.namespace, seen.name), { count: seen.count + 1, lastTimestamp: timestamp(now) });
          seen.count++;
          seen.at = now.getTime();
          return;
        } catch (e) {
          if (!(e instanceof KubeHttpError && e.status === 404)) throw e;
          // The Event expired (TTL): write a new one.
        }
      }
      const name = `${obj.metadata.name}.${randomBytes(8).toString("hex")}`;
      await this.kube.request("POST", pathFor("Event", obj.metadata.namespace), {
        body: {
          apiVersion: "v1",
          kind: "Event",
          metadata: { name, namespace: obj.metadata.namespace },
          involvedObject: {
            apiVersion: obj.apiVersion,
            kind: obj.kind,
            name: obj.metadata.name,
            namespace: obj.metadata.namespace,
            uid: obj.metadata.uid,
            ...(obj.metadata.resourceVersion ? { resourceVersion: obj.metadata.resourceVersion } : {}),
          },
          type,
          reason,
          message: text,
          source: { component: MANAGER },
          reportingComponent: MANAGER,
          reportingInstance: this.instance,
          firstTimestamp: timestamp(now),
          lastTimestamp: timestamp(now),
          count: 1,
        },
      });
      this.recent.delete(key);
      this.recent.set(key, { name, namespace: obj.metadata.namespace, count: 1, at: now.getTime() });
      // Bounded: the oldest entries go first (Map keeps insertion order).
      while (this.recent.size > MAX_REMEMBERED) this.recent.delete(this.recent.keys().next().value!);
      this.log.debug({ kind: obj.kind, name: obj.metadata.name, type, reason }, "event recorded");
    } catch (e) {
      this.log.warn({ kind: obj.kind, name: obj.metadata.name, reason, err: (e as Error).message }, "could not record a Kubernetes Event");
    }
  }
}
