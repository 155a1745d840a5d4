// The filter contract: compiled once at sensor start, then a cheap function per event with a reason for "why not".
import type { ImpulseEvent } from "@impulse/api";

export interface FilterResult {
  pass: boolean;
  /** Why the event was rejected (or what failed); feeds logs and `impulse sensor test`. */
  reason?: string;
  /** Set when the filter could not be evaluated (a missing path, an unreadable time) rather than simply not matching. */
  error?: boolean;
}

export type CompiledFilter = (event: ImpulseEvent) => FilterResult;

export const PASS: FilterResult = { pass: true };
