// `impulse lint`: every check the runtimes and the controller make, on every file, in one run; exit 1 on any error.
import { checkPodTemplate, type Finding, type Resource } from "@impulse/api";
import { controllerChecks } from "@impulse/controller/checks";
import { lintSensor } from "@impulse/sensor/lint";
import { crossCheck } from "../crosscheck.js";
import { formatFindings, loadDocuments, type LoadedDoc } from "../load.js";

/** A finding at or under a path the schema already refused is a consequence of that error, not news. */
function coveredBy(errors: Finding[], f: Finding): boolean {
  return errors.some((e) => f.path === e.path || f.path.startsWith(e.path + ".") || f.path.startsWith(e.path + "["));
}

/** The checks past the schema: on the resource, or on the valid parts of a refused one (so nothing waits for a second run). */
async function deepChecks(d: LoadedDoc, allowPrivileged: boolean): Promise<void> {
  const r = d.resource ?? d.partial;
  if (!r?.spec) return;
  const found: Finding[] = [];
  if (r.kind === "Sensor") found.push(...(await lintSensor(r, !d.resource)));
  if (r.kind === "Sensor" || r.kind === "EventSource") found.push(...checkPodTemplate((r.spec as { template?: Record<string, unknown> }).template, { allowPrivileged }));
  if (d.resource) found.push(...controllerChecks(d.resource));
  const schemaErrors = [...d.errors];
  for (const f of found) if (!coveredBy(schemaErrors, f) && !d.errors.some((e) => e.path === f.path && e.message === f.message)) d.errors.push(f);
}

export async function lint(paths: string[], opts: { allowPrivilegedPods?: boolean } = {}): Promise<number> {
  const { docs, skipped } = loadDocuments(paths);
  for (const d of docs) await deepChecks(d, opts.allowPrivilegedPods === true);
  const resources = docs.flatMap((d) => (d.resource ?? d.partial ? [(d.resource ?? d.partial) as Resource] : []));
  for (const { sensor, finding } of crossCheck(resources)) docs.find((d) => d.label === `Sensor/${sensor}`)?.warnings.push(finding);
  const { text, errorCount } = formatFindings(docs);
  if (text) console.log(text);
  for (const d of docs) if (d.resource && d.errors.length === 0) console.log(`${d.file}: ${d.label}: ok`);
  if (skipped.length) console.log(`skipped ${skipped.length} document${skipped.length === 1 ? "" : "s"} of other kinds (${[...new Set(skipped)].join(", ")})`);
  if (docs.length === 0 && !skipped.length) {
    console.error(`no resources found in ${paths.join(", ")}`);
    return 1;
  }
  return errorCount > 0 ? 1 : 0;
}
