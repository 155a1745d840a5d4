// Test handlers for the Lambda emulator: record the exact event received, fail on purpose, or answer slowly.
import { appendFileSync } from "node:fs";
import { join } from "node:path";

/** Appends {functionName, event, clientContext} as one JSON line to <IMPULSE_LAMBDA_RECORD_DIR>/<functionName>.jsonl. */
function keep(event, context) {
  const dir = process.env.IMPULSE_LAMBDA_RECORD_DIR;
  if (!dir) throw new Error("IMPULSE_LAMBDA_RECORD_DIR is not set");
  // Lambda hands the caller's ClientContext to handlers as context.clientContext; keep it so tests see what travelled.
  const line = { functionName: context.functionName, event, clientContext: context.clientContext ?? null };
  appendFileSync(join(dir, `${context.functionName}.jsonl`), JSON.stringify(line) + "\n");
}

export async function record(event, context) {
  keep(event, context);
  return { ok: true };
}

export async function boom(event, context) {
  keep(event, context);
  throw new Error("boom: the handler failed on purpose");
}

export async function slow(event, context) {
  await new Promise((r) => setTimeout(r, Number(event?.delayMs ?? 1000)));
  keep(event, context);
  return { ok: true };
}
