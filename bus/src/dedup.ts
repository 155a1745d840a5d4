// The bus's deduplication key (Nats-Msg-Id): CloudEvents identity (sender's source + id) scoped to where the event is stored.
import { hash } from "node:crypto";
import type { BusEvent } from "./types.js";

/**
 * JetStream drops a message whose Nats-Msg-Id it saw inside the stream's duplicate window. CloudEvents identity is
 * `source` + `id`, and an event is stored under its EventSource (`source`) and event name (`subject`): all of them go
 * into the key, so the same `id` from another sender (`cesource`, kept from an ingested CloudEvent) or sent to another
 * endpoint is a different event, while a resent event (same sender, same id, same endpoint) is stored once.
 * Hashed, so no id (CR/LF, any length) can break the header.
 */
export function dedupKey(event: BusEvent): string {
  const sender = typeof event["cesource"] === "string" ? event["cesource"] : "";
  // The one-shot hash: about a third of createHash's cost, on every event.
  return hash("sha256", JSON.stringify([event.source, event.subject, sender, event.id]), "base64url");
}
