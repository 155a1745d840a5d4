// Refuses JSON nested deeper than a limit before anything parses or re-encodes it (recursion would overflow the stack).
import { HttpError } from "./http-error.js";

/**
 * Deepest nesting of objects and arrays a webhook accepts. Real payloads (GitHub, Stripe, CloudEvents) stay under 20;
 * the event is re-encoded, filtered and templated downstream by recursive code, which overflows near 4,000.
 */
export const MAX_JSON_DEPTH = 512;

/** Throws 400 naming the limit when the JSON text nests deeper than `limit`; one linear pass over the bytes. */
export function checkJsonDepth(raw: Uint8Array, limit = MAX_JSON_DEPTH): void {
  let depth = 0;
  let inString = false;
  let escaped = false;
  for (let i = 0; i < raw.length; i++) {
    const b = raw[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (b === 0x5c) escaped = true;
      else if (b === 0x22) inString = false;
    } else if (b === 0x22) inString = true;
    else if (b === 0x7b || b === 0x5b) {
      if (++depth > limit) throw new HttpError(400, "too_deep", `JSON nested deeper than ${limit} levels (the webhook's nesting depth limit)`);
    } else if (b === 0x7d || b === 0x5d) depth--;
  }
}
