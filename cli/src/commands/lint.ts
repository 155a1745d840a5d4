// `impulse lint`: every check the runtimes and the controller make, on every file, in one run; exit 1 on any error.
import { checkPodTemplate, type Finding, type Resource } from "@impulse/api";
import { controllerChecks } from "@impulse/controller/checks";
import { lintSensor } from "@impulse/sensor/lint";
import { crossCheck } from "../crosscheck.js";
import { formatFindings, loadDocuments, type LoadedDoc } from "../load.js";
import { MESSAGE_TEMPLATES_CONFIGMAP } from "@impulse/api";
import type { MessageCatalog } from "@impulse/sensor/catalog";
import { loadTemplates } from "../templates.js";

/** A finding at or under a path the schema already refused is a consequence of that error, not news. */
function coveredBy(errors: Finding[], f: Finding): boolean {
  return errors.some((e) => f.path === e.path || f.path.startsWith(e.path + ".") || f.path.startsWith(e.path + "["));
}

/** The checks past the schema: on the resource, or on the valid parts of a refused one (so nothing waits for a second run). */
async function deepChecks(d: LoadedDoc, allowPrivileged: boolean, templates: MessageCatalog): Promise<void> {
  const r = d.resource ?? d.partial;
  if (!r?.spec) return;
  const found: Finding[] = [];
  if (r.kind === "Sensor") found.push(...(await lintSensor(r, !d.resource, templates)));
  if (r.kind === "Sensor" || r.kind === "EventSource") found.push(...checkPodTemplate((r.spec as { template?: Record<string, unknown> }).template, { allowPrivileged }));
  if (d.resource) found.push(...controllerChecks(d.resource));
  const schemaErrors = [...d.errors];
  for (const f of found) if (!coveredBy(schemaErrors, f) && !d.errors.some((e) => e.path === f.path && e.message === f.message)) d.errors.push(f);
}

/** No template anywhere: a Sensor that names one is told where templates come from. */
const NO_TEMPLATES: MessageCatalog = { source: `the files (no ConfigMap ${MESSAGE_TEMPLATES_CONFIGMAP} among them; or pass --templates)`, templates: new Map() };

export async function lint(paths: string[], opts: { allowPrivilegedPods?: boolean; templates?: string } = {}): Promise<number> {
  const { docs, skipped } = loadDocuments(paths);
  // Message templates: the ConfigMap among the files, and --templates (a manifest or a mounted ConfigMap's directory).
  const templates = loadTemplates([...paths, opts.templates]);
  for (const file of new Set(templates.errors.map((e) => e.file))) {
    const errors = templates.errors.filter((e) => e.file === file).map(({ path, message }) => ({ path, message }));
    docs.push({ file, label: `ConfigMap/${MESSAGE_TEMPLATES_CONFIGMAP}`, errors, warnings: [] });
  }
  for (const d of docs) await deepChecks(d, opts.allowPrivilegedPods === true, templates.catalog ?? NO_TEMPLATES);
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
