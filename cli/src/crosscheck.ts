// Cross-checks over the files given: each Sensor dependency should name an EventSource and an event that exist
// among them (a typo there means the sensor waits forever). Used by `impulse lint` and at `impulse dev` start.
import { nearest, sourceConfigSchemas, type EventSource, type Finding, type Resource, type Sensor } from "@impulse/api";

export interface CrossFinding {
  /** The Sensor the warning is about, for messages. */
  sensor: string;
  finding: Finding;
}

function eventNames(es: EventSource): string[] {
  const spec = es.spec as Record<string, unknown>;
  return Object.keys(sourceConfigSchemas).flatMap((type) => {
    const events = spec[type];
    return events && typeof events === "object" ? Object.keys(events) : [];
  });
}

const hint = (name: string, known: string[]): string => {
  const n = nearest(name, known);
  return n ? `; did you mean "${n}"?` : known.length ? ` (known: ${known.join(", ")})` : "";
};

/**
 * Warnings for Sensor dependencies whose eventSourceName/eventName match no EventSource/event among `resources`.
 * Only EventSources on the same event bus count. Nothing is said when the files hold no EventSource at all: the
 * sensor's sources are then elsewhere (applied separately), not missing.
 */
export function crossCheck(resources: Resource[]): CrossFinding[] {
  const sources = resources.filter((r): r is EventSource => r?.kind === "EventSource" && !!r.spec);
  const name = (r: Resource) => r.metadata?.name ?? "?";
  if (!sources.length) return [];
  const out: CrossFinding[] = [];
  for (const s of resources.filter((r): r is Sensor => r?.kind === "Sensor" && !!r.spec)) {
    const onBus = sources.filter((es) => (es.spec.eventBusName ?? "default") === (s.spec.eventBusName ?? "default"));
    const byName = new Map(onBus.flatMap((es) => (typeof es.metadata?.name === "string" ? [[es.metadata.name, es] as const] : [])));
    (s.spec.dependencies ?? []).forEach((d, i) => {
      if (!d || typeof d.eventSourceName !== "string") return;
      const at = `spec.dependencies[${i}]`;
      const es = byName.get(d.eventSourceName);
      if (!es) {
        out.push({ sensor: name(s), finding: { path: `${at}.eventSourceName`, message: `no EventSource "${d.eventSourceName}" among the files${hint(d.eventSourceName, [...byName.keys()])}` } });
        return;
      }
      const events = eventNames(es);
      if (typeof d.eventName === "string" && !events.includes(d.eventName))
        out.push({ sensor: name(s), finding: { path: `${at}.eventName`, message: `EventSource "${name(es)}" has no event "${d.eventName}"${hint(d.eventName, events)}` } });
    });
  }
  return out;
}
