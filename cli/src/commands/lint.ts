// `impulse lint`: validates resources; exit 1 with path-aware messages on any error.
import { compileSensor, checkScripts } from "@impulse/sensor/compile";
import { formatFindings, loadResources, type LoadedDoc } from "../load.js";

/** Lua and jq programs are compiled in their VMs (asynchronous), after the synchronous checks. */
async function checkPrograms(docs: LoadedDoc[]): Promise<void> {
  for (const d of docs) {
    if (d.resource?.kind !== "Sensor" || d.errors.length) continue;
    const { sensor } = compileSensor(d.resource);
    if (!sensor) continue;
    for (const err of await checkScripts(sensor)) {
      const i = err.indexOf(": ");
      d.errors.push({ path: err.slice(0, i), message: err.slice(i + 2) });
    }
  }
}

export async function lint(paths: string[]): Promise<number> {
  const docs = loadResources(paths);
  await checkPrograms(docs);
  const { text, errorCount } = formatFindings(docs);
  if (text) console.log(text);
  for (const d of docs) if (d.resource && d.errors.length === 0) console.log(`${d.file}: ${d.label}: ok`);
  if (docs.length === 0) {
    console.error("no resources found in " + paths.join(", "));
    return 1;
  }
  return errorCount > 0 ? 1 : 0;
}
