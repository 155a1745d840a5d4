// Builds the Argo-style CloudEvent envelope around a source's data.
import { newEventId, type ImpulseEvent } from "@impulse/api";
import type { Emission } from "./define.js";

const RESERVED = new Set(["specversion", "id", "source", "type", "subject", "time", "datacontenttype", "data", "data_base64", "dataschema"]);

export function buildEnvelope(eventSourceName: string, type: string, e: Emission): ImpulseEvent {
  const env: ImpulseEvent = {
    specversion: "1.0",
    id: e.id ?? newEventId(),
    source: eventSourceName,
    type,
    subject: e.eventName,
    time: e.time ?? new Date().toISOString(),
    datacontenttype: "application/json",
    data: e.data,
  };
  for (const [k, v] of Object.entries(e.extensions ?? {})) if (!RESERVED.has(k)) env[k] = v;
  return env;
}
