// Subscriptions by annotation, as notifications-engine reads them: notifications.argoproj.io/subscribe.<trigger>.<service>: a;b.
import { getPath } from "@impulse/api";
import type { FiredEvents } from "../params/resolve.js";

export const SUBSCRIBE_PREFIX = "notifications.argoproj.io/subscribe.";

/** Recipients named by the annotations for this trigger and service, in order, without repeats or blanks. */
export function recipientsFrom(annotations: unknown, trigger: string, service: string): string[] {
  if (!annotations || typeof annotations !== "object") return [];
  const out: string[] = [];
  const keys = [`${SUBSCRIBE_PREFIX}${trigger}.${service}`];
  for (const key of keys) {
    const v = (annotations as Record<string, unknown>)[key];
    if (typeof v !== "string") continue;
    for (const r of v.split(";").map((s) => s.trim())) if (r && !out.includes(r)) out.push(r);
  }
  return out;
}

/** The annotations of the watched object in a resource event (body.metadata.annotations) of `dependency` or the first event. */
export function annotationsOf(events: FiredEvents, dependency?: string): unknown {
  const e = dependency ? events[dependency] : Object.values(events)[0];
  if (!e) return undefined;
  const r = getPath(e.data, "body.metadata.annotations");
  return r.exists ? r.value : undefined;
}
