// `impulse lint`: validates resources; exit 1 with path-aware messages on any error.
import { formatFindings, loadResources } from "../load.js";

export function lint(paths: string[]): number {
  const docs = loadResources(paths);
  const { text, errorCount } = formatFindings(docs);
  if (text) console.log(text);
  for (const d of docs) if (d.resource && d.errors.length === 0) console.log(`${d.file}: ${d.label}: ok`);
  if (docs.length === 0) {
    console.error("no resources found in " + paths.join(", "));
    return 1;
  }
  return errorCount > 0 ? 1 : 0;
}
