// Bus credentials, stream and journal settings handed to a runtime pod by the controller (IMPULSE_BUS_AUTH, IMPULSE_BUS_STREAM, IMPULSE_BUS_JOURNAL).
import { JournalSpec, StreamConfig, type StreamConfig as StreamSpec } from "@impulse/api";
import { parse } from "yaml";

export interface BusCredentials {
  user?: string;
  password?: string;
  token?: string;
}

/**
 * A Secret's value: YAML `username:`/`password:` (Argo's JetStream client auth), `token:`, or the bare token the
 * controller generates for a managed bus.
 */
export function parseBusAuth(text: string | undefined): BusCredentials {
  if (!text || !text.trim()) return {};
  let doc: unknown;
  try {
    doc = parse(text);
  } catch {
    doc = undefined;
  }
  if (doc && typeof doc === "object" && !Array.isArray(doc)) {
    const d = doc as Record<string, unknown>;
    if (typeof d["username"] === "string") return { user: d["username"], password: typeof d["password"] === "string" ? d["password"] : "" };
    if (typeof d["token"] === "string") return { token: d["token"] };
    throw new Error("IMPULSE_BUS_AUTH: expected username/password or token");
  }
  return { token: text.trim() };
}

/** The EventBus's streamConfig as JSON; validated like the EventBus spec itself. */
export function parseBusStream(text: string | undefined): StreamSpec | undefined {
  if (!text) return undefined;
  const r = StreamConfig.safeParse(JSON.parse(text));
  if (!r.success) throw new Error("IMPULSE_BUS_STREAM: " + r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  return r.data;
}

/** The EventBus's spec.journal as JSON; validated like the EventBus spec itself. */
export function parseBusJournal(text: string | undefined): JournalSpec | undefined {
  if (!text) return undefined;
  const r = JournalSpec.safeParse(JSON.parse(text));
  if (!r.success) throw new Error("IMPULSE_BUS_JOURNAL: " + r.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; "));
  return r.data;
}
