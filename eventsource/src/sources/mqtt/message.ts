// Turns one MQTT message into Argo's mqtt event data (pure; no client types), and remembers ids across a reconnect.
import { createHash } from "node:crypto";
import { parseJsonBody } from "../shared/poison.js";

/** The payload as Argo puts it: the JSON itself with jsonBody (anything else is poison), otherwise base64 as Go marshals []byte. */
export function mqttBody(payload: Buffer, jsonBody: boolean): unknown {
  return jsonBody ? parseJsonBody(payload.toString("utf8")) : payload.toString("base64");
}

/** Argo's MQTTEventData: {topic, messageId, body, metadata?}. messageId is the packet id (0 for QoS 0, as Argo subscribes). */
export function mqttEventData(topic: string, messageId: number | undefined, payload: Buffer, jsonBody: boolean, metadata: Record<string, string> | undefined): Record<string, unknown> {
  const data: Record<string, unknown> = { topic, messageId: messageId ?? 0, body: mqttBody(payload, jsonBody) };
  if (metadata && Object.keys(metadata).length) data["metadata"] = metadata;
  return data;
}

/**
 * MQTT 3.1.1 messages carry no identity, only a packet id that the broker reuses. When the connection drops after the
 * bus stored an event but before its PUBACK went out, the broker resends that message (DUP set, same packet id) on
 * the resumed session: this remembers the event id of such a message, so the resend is stored once. A message still
 * un-PUBACKed when the process itself dies gets a new id when it comes back (at-least-once; see the docs page).
 */
export class UnackedIds {
  readonly #ids = new Map<string, string>();
  constructor(private readonly max = 1000) {}

  static key(topic: string, packetId: number, payload: Buffer): string {
    return createHash("sha256").update(topic).update("\0").update(String(packetId)).update("\0").update(payload).digest("base64url");
  }

  /** Nothing remembered (the usual case): a message then needs no key, and hashing its payload is skipped. */
  get empty(): boolean {
    return this.#ids.size === 0;
  }

  /** The event of this message was stored but its PUBACK could not be sent. */
  remember(key: string, id: string): void {
    this.#ids.set(key, id);
    if (this.#ids.size > this.max) this.#ids.delete(this.#ids.keys().next().value!);
  }

  /** The id a resent message must reuse (only when the broker marked it as a resend), forgetting it. */
  take(key: string, dup: boolean): string | undefined {
    if (!dup) {
      // A fresh message with a reused packet id: the remembered one was a different message.
      this.#ids.delete(key);
      return undefined;
    }
    const id = this.#ids.get(key);
    this.#ids.delete(key);
    return id;
  }
}
