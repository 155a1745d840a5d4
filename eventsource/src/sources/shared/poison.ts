// A message a source can never turn into an event (e.g. not JSON with jsonBody): counted as "poison" and skipped.
export class PoisonMessage extends Error {}

/** Parses a message body that jsonBody says is JSON; a body that is not JSON is poison, as Argo rejects it. */
export function parseJsonBody(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new PoisonMessage(`body is not JSON: ${(e as Error).message}`);
  }
}
