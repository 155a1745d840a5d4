// Idempotency keys of notifications: per recipient, and per oncePer value instead of per event (pure but for a log line).
import { createHash } from "node:crypto";
import { errorMessage } from "@impulse/api";
import type { Logger } from "pino";
import type { FiredEvents } from "../params/resolve.js";
import type { CompiledTemplate } from "../template/index.js";
import type { CompiledNotify } from "./compile.js";
import { notificationData } from "./render.js";
import { annotationsOf, recipientsFrom } from "./subscriptions.js";

const hash = (parts: string[]) => createHash("sha256").update(parts.join("\n")).digest("hex").slice(0, 32);

/** The same events for another recipient are another message: another key, another record. */
export function recipientKey(eventsKey: string, recipient: string): string {
  return hash([eventsKey, `recipient ${recipient}`]);
}

/**
 * The key of a oncePer firing: sensor, trigger, recipient and the value, not the events. Two events with the same
 * value (two updates of one revision) share it, so the firing record of the first suppresses the second.
 */
export function onceKey(sensor: string, trigger: string, recipient: string | undefined, value: string): string {
  return hash([sensor, trigger, `once ${value}`, ...(recipient !== undefined ? [`recipient ${recipient}`] : [])]);
}

/**
 * The oncePer value for these events, or undefined when it renders to nothing ("", "<no value>") or fails (logged):
 * the firing is then deduplicated by its events, as without oncePer.
 */
export function oncePerValue(t: CompiledTemplate, events: FiredEvents, recipient: string | undefined, logger: Logger): string | undefined {
  let v: string;
  try {
    v = t(notificationData(events, recipient));
  } catch (e) {
    logger.warn({ err: errorMessage(e) }, "oncePer failed on these events; deduplicating by event ids instead");
    return undefined;
  }
  return v === "" || v === "<no value>" ? undefined : v;
}

export function recipientsOf(s: NonNullable<CompiledNotify["subscriptions"]>, events: FiredEvents): string[] {
  return recipientsFrom(annotationsOf(events, s.dependency), s.trigger, s.service);
}
