// A module loader hook that appends, once each, the npm packages a process resolves to the file named by
// IMPULSE_TRACE_FILE (a file, not stderr: on Node 22+ loader hooks run on their own thread, whose stderr may be lost).
import { appendFileSync } from "node:fs";

const seen = new Set();
const file = process.env.IMPULSE_TRACE_FILE;
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  const m = r.url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (file && m && !seen.has(m[1])) {
    seen.add(m[1]);
    appendFileSync(file, `${m[1]}\n`);
  }
  return r;
}
