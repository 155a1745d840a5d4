// A module loader hook that prints, once each, the npm packages a process resolves ("pkg <name>" on stderr).
const seen = new Set();
export async function resolve(specifier, context, next) {
  const r = await next(specifier, context);
  const m = r.url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)\//);
  if (m && !seen.has(m[1])) {
    seen.add(m[1]);
    process.stderr.write(`pkg ${m[1]}\n`);
  }
  return r;
}
