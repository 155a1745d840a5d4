// Subscriptions by annotation, in notifications-engine's two forms: notifications.argoproj.io/subscribe.<trigger>.<service>: a;b
// and notifications.argoproj.io/subscriptions (YAML: a list of {trigger: [...], destinations: [{service, recipients}]}).
import { getPath } from "@impulse/api";
import { parse } from "yaml";
import type { FiredEvents } from "../params/resolve.js";

export const SUBSCRIBE_PREFIX = "notifications.argoproj.io/subscribe.";
export const SUBSCRIPTIONS_KEY = "notifications.argoproj.io/subscriptions";

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : typeof v === "string" ? [v] : []);

/** Recipients the YAML form names for this trigger and service; an annotation that is not such YAML names nobody. */
function fromList(text: unknown, trigger: string, service: string): string[] {
  if (typeof text !== "string") return [];
  let list: unknown;
  try {
    list = parse(text, { maxAliasCount: 10 });
  } catch {
    return [];
  }
  if (!Array.isArray(list)) return [];
  return list.flatMap((s: { trigger?: unknown; destinations?: unknown }) => {
    if (!s || !strings(s.trigger).includes(trigger) || !Array.isArray(s.destinations)) return [];
    return s.destinations.flatMap((d: { service?: unknown; recipients?: unknown }) => (d?.service === service ? strings(d.recipients) : []));
  });
}

/** Recipients named by the annotations for this trigger and service, in order, without repeats or blanks. */
export function recipientsFrom(annotations: unknown, trigger: string, service: string): string[] {
  if (!annotations || typeof annotations !== "object") return [];
  const a = annotations as Record<string, unknown>;
  const direct = a[`${SUBSCRIBE_PREFIX}${trigger}.${service}`];
  const named = [...(typeof direct === "string" ? direct.split(";") : []), ...fromList(a[SUBSCRIPTIONS_KEY], trigger, service)];
  const out: string[] = [];
  for (const r of named.map((s) => s.trim())) if (r && !out.includes(r)) out.push(r);
  return out;
}

/** The annotations of the watched object in a resource event (body.metadata.annotations) of `dependency` or the first event. */
export function annotationsOf(events: FiredEvents, dependency?: string): unknown {
  const e = dependency ? events[dependency] : Object.values(events)[0];
  if (!e) return undefined;
  const r = getPath(e.data, "body.metadata.annotations");
  return r.exists ? r.value : undefined;
}
